/**
 * The playground page (docs/playground/): its engine under Node, then the built page in a real
 * headless browser — Debian's chromium driven by playwright-core — opened from disk as a reader
 * opens it: the findings are listed with their line markers, each deployment's memory bar is drawn
 * (checked in a screenshot's pixels), and applying a suggestion edits the file and re-checks it.
 *
 * The page's script is built here into a temporary folder (esbuild, ~1 s); it is not committed. The
 * browser part is skipped, with the reason in its name, where /usr/bin/chromium is missing
 * (`.ci/run` installs it; `apt-get install -y chromium` by hand). VRAM_PLAYGROUND_SCREENSHOT=FILE
 * keeps the first screenshot.
 */
import { copyFileSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BrowserContext, Page } from "playwright-core";
import { applySuggestion, check, lineDiff } from "../docs/playground/src/engine.js";
import { EXAMPLES } from "../docs/playground/src/examples.js";
import { buildPlayground } from "../docs/playground/build.js";

const MIXTRAL = EXAMPLES.find((example) => example.id === "mixtral-a10g")!;

// The browser globals the functions run inside the page use (the project's TypeScript has no DOM library).
declare const document: { querySelector(selector: string): { textContent: string | null } | null };
declare function createImageBitmap(blob: Blob): Promise<{ width: number; height: number }>;
declare class OffscreenCanvas {
  constructor(width: number, height: number);
  getContext(kind: "2d"): { drawImage(image: unknown, x: number, y: number): void; getImageData(x: number, y: number, width: number, height: number): { data: Uint8ClampedArray } } | null;
}

describe("the playground's engine", () => {
  it("finds vram/weights-fit on Mixtral on one A10G, with suggestions, and its deployment's bar past the GPU", () => {
    const report = check(MIXTRAL.text, MIXTRAL.filename);
    expect(report.findings.map((finding) => [finding.ruleId, finding.severity, finding.line, finding.column])).toEqual([["vram/weights-fit", 2, 33, 31]]);
    const [finding] = report.findings;
    expect(MIXTRAL.text.slice(finding!.start, finding!.end)).toBe("1");
    expect(finding!.suggestions.length).toBeGreaterThan(0);
    expect(finding!.docsUrl).toMatch(/docs\/rules\/weights-fit\.md$/);
    expect(report.deployments).toHaveLength(1);
    const [deployment] = report.deployments;
    expect(deployment!.title).toBe("Deployment mixtral-chat");
    expect(deployment!.layout).toBe("Mixtral-8x7B-Instruct-v0.1 on 1 × NVIDIA A10G · vLLM · TP 1 · bf16");
    expect(deployment!.fits).toBe(false);
    expect(deployment!.verdict).toMatch(/^Does not fit: weights and runtime memory exceed the 20\.2 GiB budget per GPU by /);
    expect(deployment!.bar!.usedBytes).toBeGreaterThan(deployment!.bar!.memoryBytes);
  });

  it("every suggestion, applied, leaves a file the plugin passes", () => {
    const [finding] = check(MIXTRAL.text, MIXTRAL.filename).findings;
    for (const suggestion of finding!.suggestions) {
      const edited = applySuggestion(MIXTRAL.text, suggestion);
      const after = check(edited, MIXTRAL.filename);
      expect(after.findings.filter((f) => f.severity === 2), suggestion.desc).toEqual([]);
      expect(after.deployments[0]!.fits, suggestion.desc).toBe(true);
      // The diff names exactly the lines that differ: applying it to the old lines gives the new ones.
      const diff = lineDiff(MIXTRAL.text, edited);
      const kept = MIXTRAL.text.split("\n").filter((_, index) => !diff.some((line) => line.kind === "removed" && line.line === index + 1));
      const rebuilt = [...kept];
      for (const line of diff.filter((change) => change.kind === "added")) rebuilt.splice(line.line - 1, 0, line.text);
      expect(rebuilt.join("\n"), suggestion.desc).toBe(edited);
      expect(diff.length).toBeLessThanOrEqual(10);
    }
  });

  it("every example is checked without a parse error, and each has at least one deployment", () => {
    for (const example of EXAMPLES) {
      const report = check(example.text, example.filename);
      expect(report.parseError, example.id).toBeUndefined();
      expect(report.deployments.length, example.id).toBeGreaterThan(0);
    }
  });

  it("lineDiff lists only the lines that changed", () => {
    expect(lineDiff("a\nb\nc\nd\n", "a\nB\nc\nd\ne\n")).toEqual([
      { kind: "removed", text: "b", line: 2 },
      { kind: "added", text: "B", line: 2 },
      { kind: "added", text: "e", line: 5 },
    ]);
    expect(lineDiff("same\n", "same\n")).toEqual([]);
  });

  it("says which files it does not read (Terraform .tf, other extensions) instead of linting them as something else", () => {
    expect(check('resource "aws_instance" "gpu" {}\n', "main.tf")).toEqual({ findings: [], deployments: [], notice: expect.stringMatching(/^Terraform \.tf files are read by vram lint and ESLint/) });
    expect(check("model: x\n", "notes.txt").notice).toMatch(/^Name the file \*\.yaml/);
  });

  it("a file that does not parse is one finding, not a crash", () => {
    const report = check("model: [unclosed\n", "broken.yaml");
    expect(report.parseError).toMatch(/Parsing error/);
    expect(report.findings).toHaveLength(1);
  });
});

const CHROMIUM = "/usr/bin/chromium";
const browserMissing = !existsSync(CHROMIUM) ? `Debian's chromium is not installed at ${CHROMIUM} (apt-get install -y chromium)` : undefined;

describe.skipIf(browserMissing !== undefined)(`the playground in headless Chromium${browserMissing ? ` (skipped: ${browserMissing})` : ""}`, () => {
  let work = "";
  let context: BrowserContext;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), "vram-playground-"));
    await buildPlayground(join(work, "page"));
    const { chromium } = await import("playwright-core");
    context = await chromium.launchPersistentContext(join(work, "profile"), {
      executablePath: CHROMIUM,
      headless: true,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
      viewport: { width: 1400, height: 1000 },
    });
    page = await context.newPage();
    page.on("pageerror", (error) => pageErrors.push(error.message));
    await page.goto(pathToFileURL(join(work, "page", "index.html")).href);
    await page.waitForSelector("body[data-ready=true]", { timeout: 15_000 });
  }, 60_000);

  afterAll(async () => {
    await context?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  /** Share of a screenshot's pixels near `rgb`, counted in the page (a canvas decodes the PNG). */
  async function colourShare(png: Buffer, rgb: [number, number, number], tolerance = 40): Promise<number> {
    return page.evaluate(
      async ({ data, rgb, tolerance }) => {
        const bitmap = await createImageBitmap(await (await fetch(`data:image/png;base64,${data}`)).blob());
        const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
        const context = canvas.getContext("2d")!;
        context.drawImage(bitmap, 0, 0);
        const pixels = context.getImageData(0, 0, bitmap.width, bitmap.height).data;
        let near = 0;
        for (let i = 0; i < pixels.length; i += 4) {
          if (Math.abs(pixels[i]! - rgb[0]) + Math.abs(pixels[i + 1]! - rgb[1]) + Math.abs(pixels[i + 2]! - rgb[2]) <= tolerance) near++;
        }
        return near / (pixels.length / 4);
      },
      { data: png.toString("base64"), rgb, tolerance },
    );
  }

  const WEIGHTS_BLUE: [number, number, number] = [0x3b, 0x5b, 0xdb];
  const ERROR_RED: [number, number, number] = [0xe0, 0x31, 0x31];
  const FREE_GREY: [number, number, number] = [0xde, 0xe2, 0xe6];

  it("opens from disk with Mixtral on one A10G: the finding listed, its line marked, the bar drawn past the GPU", async () => {
    const screenshot = await page.screenshot({ fullPage: true });
    if (process.env.VRAM_PLAYGROUND_SCREENSHOT) copyFileSync(join(work, "page", "index.html"), `${process.env.VRAM_PLAYGROUND_SCREENSHOT}.html`);
    if (process.env.VRAM_PLAYGROUND_SCREENSHOT) await page.screenshot({ fullPage: true, path: process.env.VRAM_PLAYGROUND_SCREENSHOT });
    expect(screenshot.length).toBeGreaterThan(10_000);
    expect(pageErrors).toEqual([]);
    expect(await page.locator("#not-built").isHidden()).toBe(true);

    // Findings listed: one error with the rule, its place and its suggestions.
    const findings = page.locator("#findings .finding");
    expect(await findings.count()).toBe(1);
    expect(await findings.first().locator(".rule").textContent()).toBe("vram/weights-fit");
    expect(await findings.first().locator(".where").textContent()).toBe("33:31");
    expect(await findings.first().locator(".message").textContent()).toMatch(/^Mixtral-8x7B-Instruct-v0\.1 needs [\d.]+ GiB at bf16; 1 × A10G.* Only 12\.9B of its 46\.7B parameters are active per token, but every expert must be resident/);
    expect(await findings.first().locator(".suggestion").count()).toBeGreaterThan(0);
    // In the screenshot of the list, the error's red badge and border are there.
    expect(await colourShare(await page.locator("#findings").screenshot(), ERROR_RED)).toBeGreaterThan(0.005);

    // The line is marked in the gutter and the value underlined in the editor.
    expect(await page.locator("#gutter .row.has-error").evaluateAll((rows) => rows.map((row) => (row as unknown as { dataset: { line?: string } }).dataset.line))).toEqual(["33"]);
    expect(await page.locator("#highlights mark.error").textContent()).toBe("1");

    // The bar: weights fill nearly all of it (87.0 of 87.5 GiB needed), past the GPU's 22.5 GiB mark.
    const card = page.locator("#deployments .deployment").first();
    expect(await card.locator(".layout").textContent()).toBe("Mixtral-8x7B-Instruct-v0.1 on 1 × NVIDIA A10G · vLLM · TP 1 · bf16");
    expect(await card.locator(".verdict").textContent()).toMatch(/^✗ Does not fit/);
    expect(await card.locator(".mark.gpu span").textContent()).toBe("GPU 22.5 GiB");
    // (The screenshot holds the bar's 1 px border and the two marks, ~7 % of its pixels.)
    const bar = await card.locator(".bar").screenshot();
    expect(await colourShare(bar, WEIGHTS_BLUE)).toBeGreaterThan(0.85);
    expect(await colourShare(bar, FREE_GREY)).toBe(0);
  });

  it("applying a suggestion edits the file, shows the change, and the re-check passes with a bar that fits", async () => {
    const first = page.locator("#findings .suggestion").first();
    const desc = await first.textContent();
    await first.click();
    await page.waitForSelector("#applied:not([hidden])");
    expect(await page.locator("#applied .applied-head").textContent()).toContain(desc!);
    const added = await page.locator("#applied .diff .added").allTextContents();
    expect(added.length).toBeGreaterThan(0);
    const text = await page.locator("#source").inputValue().then((value) => value.split("\n"));
    for (const entry of added) {
      const [, line, content] = /^\s*(\d+) \+ (.*)$/.exec(entry)!;
      expect(text[Number(line) - 1]).toBe(content);
    }
    expect(await page.locator("#findings .finding.error").count()).toBe(0);
    const card = page.locator("#deployments .deployment").first();
    expect(await card.getAttribute("class")).toContain("fits");
    expect(await card.locator(".mark.gpu").count()).toBe(0);
    const bar = await card.locator(".bar").screenshot();
    // Weights no longer fill the bar; the rest of the GPU (KV cache, free) shows.
    const weights = await colourShare(bar, WEIGHTS_BLUE);
    expect(weights).toBeGreaterThan(0.2);
    expect(weights).toBeLessThan(0.75);
    expect(await colourShare(bar, FREE_GREY)).toBeGreaterThan(0.02);

    await page.locator("#applied .undo").click();
    expect(await page.locator("#source").inputValue()).toBe(MIXTRAL.text);
    expect(await page.locator("#findings .finding.error").count()).toBe(1);
  });

  it("re-checks what is typed, and survives a file that does not parse", async () => {
    await page.locator("#source").fill("model: [unclosed\n");
    await page.waitForFunction(() => document.querySelector("#findings .finding .message")?.textContent?.startsWith("Parsing error"));
    expect(await page.locator("#deployments .empty").textContent()).toBe("No model deployment found in this file.");
    await page.selectOption("#example", "llama-l4-context");
    await page.waitForFunction(() => document.querySelector("#findings .rule")?.textContent === "vram/kv-cache-headroom");
    expect(pageErrors).toEqual([]);
  });
});
