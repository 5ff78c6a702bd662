/**
 * The per-GPU memory bar: its segments and cell widths, the terminal drawing `vram estimate` and
 * `vram explain` add on a TTY (and only there), and the transcript of it in docs/cli.md.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse as parseShell } from "shell-quote";
import { cellWidths, memoryBar, renderTerminalBar } from "../src/report/memory-bar.js";
import type { PerGpuMemory } from "../src/sizing/types.js";
import { runCli } from "./support/cli.js";
import { FIXTURES, ROOT } from "./support/lint.js";

const GIB = 2 ** 30;
const gib = (value: number) => Math.round(value * GIB);
/** An 8B model on a 22.4 GiB GPU at a 0.9 budget (rounded figures of Llama 3.1 8B on an L4). */
const FITS: PerGpuMemory = { memoryBytes: gib(22.4), budgetBytes: gib(20.16), weightBytes: gib(14.96), activationBytes: gib(0.5), overheadBytes: gib(0.1), kvCacheBytes: gib(4.6) };
/** Mixtral 8x7B at bf16 on the same GPU: 87 GiB of weights. */
const MISFIT: PerGpuMemory = { memoryBytes: gib(22.4), budgetBytes: gib(20.16), weightBytes: gib(87), activationBytes: gib(0.4), overheadBytes: gib(0.1), kvCacheBytes: 0 };

describe("memoryBar", () => {
  it("splits the GPU into weights, activations, runtime, KV cache and free, scaled to the GPU when it fits", () => {
    const bar = memoryBar(FITS);
    expect(bar.segments.map((segment) => [segment.kind, segment.label])).toEqual([
      ["weights", "weights"],
      ["activations", "activations"],
      ["runtime", "runtime"],
      ["kv", "KV cache"],
      ["free", "free"],
    ]);
    expect(bar.segments.reduce((sum, segment) => sum + segment.bytes, 0)).toBe(FITS.memoryBytes);
    expect(bar.scaleBytes).toBe(FITS.memoryBytes);
    expect(bar.segments[4]!.bytes).toBe(FITS.memoryBytes - FITS.weightBytes - FITS.activationBytes - FITS.overheadBytes - FITS.kvCacheBytes);
  });

  it("scales to what is needed when that is more than the GPU, with nothing free", () => {
    const bar = memoryBar(MISFIT);
    expect(bar.usedBytes).toBe(gib(87) + gib(0.4) + gib(0.1));
    expect(bar.scaleBytes).toBe(bar.usedBytes);
    expect(bar.segments.find((segment) => segment.kind === "free")!.bytes).toBe(0);
  });

  it("gives each segment cells in proportion, summing to the width, and at least one to any segment that is there", () => {
    for (const width of [24, 40, 64]) {
      for (const perGpu of [FITS, MISFIT]) {
        const bar = memoryBar(perGpu);
        const cells = cellWidths(bar, width);
        expect(cells.reduce((sum, value) => sum + value, 0)).toBe(width);
        bar.segments.forEach((segment, index) => {
          if (segment.bytes > 0) expect(cells[index]).toBeGreaterThanOrEqual(1);
          else expect(cells[index]).toBe(0);
          // Within two cells of the exact share (one for rounding, one lent to a tiny segment).
          expect(Math.abs(cells[index]! - (segment.bytes / bar.scaleBytes) * width)).toBeLessThan(2);
        });
      }
    }
  });
});

describe("renderTerminalBar", () => {
  it("draws a fitting deployment with the budget marked inside the GPU", () => {
    expect(renderTerminalBar(FITS, 64, false)).toEqual([
      "  ██████████████████████████████████████████▓▓▒░░░░░░░░░░░░░······",
      "                             budget 20.2 of 22.4 GiB (90 %) ┘",
      "  █ weights  ▓ activations  ▒ runtime  ░ KV cache  · free",
    ]);
  });

  it("draws a deployment that does not fit past the GPU, marking the budget and the GPU's end", () => {
    const lines = renderTerminalBar(MISFIT, 64, false);
    expect(lines).toEqual([
      "  ██████████████████████████████████████████████████████████████▓▒",
      "                 └ budget 20.2 GiB (90 %)",
      "                  └ GPU 22.4 GiB; 87.5 GiB needed",
      "  █ weights  ▓ activations  ▒ runtime  ░ KV cache",
    ]);
  });

  it("in colour, what lies past the GPU's memory is red", () => {
    const [bar] = renderTerminalBar(MISFIT, 64, true);
    // Weights inside the GPU in blue (34), the rest of them red (31).
    expect(bar).toMatch(/^ {2}\u001b\[34m█{16}\u001b\[0m\u001b\[31m█+\u001b\[0m/);
  });
});

describe("vram estimate and vram explain on a terminal", () => {
  const estimate = ["estimate", "--model", "meta-llama/Llama-3.1-8B-Instruct", "--gpu", "L4", "--max-model-len", "8192"];

  it("add the bar after the table on a TTY; piped output is unchanged", async () => {
    const piped = await runCli(estimate);
    const tty = await runCli(estimate, process.cwd(), { terminalColumns: 80, env: { NO_COLOR: "1" } });
    const barLines = tty.stdout.split("\n").filter((line) => !piped.stdout.split("\n").includes(line));
    expect(barLines).toHaveLength(3);
    expect(barLines[0]).toMatch(/^ {2}█+▓+▒+░+·+$/);
    expect(barLines[0]).toHaveLength(2 + 64);
    expect(barLines[1]).toMatch(/budget 20\.2 of 22\.5 GiB \(90 %\) ┘$/);
    expect(tty.stdout.replace(`${barLines.join("\n")}\n\n`, "")).toBe(piped.stdout);
    expect(piped.stdout).not.toMatch(/[█▓▒░]/);
  });

  it("fit the bar to a narrow terminal, and colour it unless NO_COLOR", async () => {
    const narrow = await runCli(estimate, process.cwd(), { terminalColumns: 40, env: { NO_COLOR: "1" } });
    const bar = narrow.stdout.split("\n").find((line) => line.includes("█"))!;
    expect(bar.length).toBe(2 + 30);
    const coloured = await runCli(estimate, process.cwd(), { terminalColumns: 80 });
    expect(coloured.stdout).toContain("\u001b[34m█");
  });

  it("vram explain draws one bar per judged deployment", async () => {
    const files = ["kubernetes/mixtral-8x7b-a10g.yaml", "kubernetes/llama-3.1-8b-l4.yaml"].map((file) => `${FIXTURES}${file}`);
    const result = await runCli(["explain", ...files], process.cwd(), { terminalColumns: 100, env: { NO_COLOR: "1" } });
    expect(result.stdout.split("\n").filter((line) => /^ {6}█{3}/.test(line))).toHaveLength(2);
    expect(result.stdout).toContain("└ GPU 22.5 GiB; 87.5 GiB needed");
  });
});

describe("docs/cli.md's terminal transcript", () => {
  // ```console blocks: what a terminal shows (80 columns, NO_COLOR); ```text blocks are piped output.
  const markdown = readFileSync(`${ROOT}docs/cli.md`, "utf8");
  const blocks = [...markdown.matchAll(/^```console\n\$ vram (.*)\n([\s\S]*?)^```$/gm)];

  it("has one", () => expect(blocks.length).toBeGreaterThan(0));
  for (const [, command, output] of blocks) {
    it(`vram ${command}`, async () => {
      const result = await runCli(parseShell(command!) as string[], process.cwd(), { terminalColumns: 80, env: { NO_COLOR: "1" } });
      expect(result.stdout).toBe(output);
    });
  }
});
