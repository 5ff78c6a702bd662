/**
 * The maintainer's `npm run catalog:add`: a config.json in, a sourced catalog entry out, written into
 * its organisation's file. Writes go to a temporary copy of the data folder here.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ConfigImportError } from "../src/catalog/import-config.js";
import type { ModelFile } from "../src/catalog/types.js";
import { entryFor, modelFileFor, writeEntry } from "./tools/catalog-add.js";
import { FIXTURES, ROOT } from "./support/lint.js";

const folder = join(FIXTURES, "hf-configs", "mistralai--Mixtral-8x7B-v0.1");
const source = "ai-dynamo/aiconfigurator@095f58a51c4ca8e61b66ec108d86f223f8d559ce:aic-core/src/aiconfigurator_core/model_configs/mistralai--Mixtral-8x7B-v0.1_config.json";
const scratch = mkdtempSync(join(tmpdir(), "vram-catalog-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("npm run catalog:add", () => {
  it("imports a model folder with its sources, aliases and exact bytes, under the id its folder names", () => {
    const entry = entryFor({ path: folder, sources: [source], aliases: ["mistralai/Mixtral-8x7B-Instruct-v0.1"], notes: ["checked"] });
    expect(entry).toMatchObject({
      id: "mistralai/Mixtral-8x7B-v0.1",
      aliases: ["mistralai/Mixtral-8x7B-Instruct-v0.1"],
      sources: [source],
      checkpointBytes: 93_405_585_408,
      params: { total: 46_702_792_704 },
    });
    expect(entry.notes?.[0]).toBe("checked");
  });

  it("needs a source and an id it can tell", () => {
    expect(() => entryFor({ path: folder, sources: [] })).toThrow(ConfigImportError);
    expect(() => entryFor({ path: join(folder, "config.json"), sources: [source] })).not.toThrow();
    expect(() => entryFor({ path: join(FIXTURES, "hf-configs", "meta-llama--Llama-3.1-8B", "config.json"), id: "acme/x", sources: [source] })).not.toThrow();
  });

  it("writes the entry into its organisation's file, sorted, replacing one with the same id", () => {
    mkdirSync(join(scratch, "models"), { recursive: true });
    const entry = entryFor({ path: folder, sources: [source] });
    expect(modelFileFor(entry.id)).toBe("mistralai.json");
    expect(writeEntry(entry, scratch)).toEqual({ file: "mistralai.json", replaced: undefined });
    const other = entryFor({ path: join(FIXTURES, "hf-configs", "meta-llama--Llama-3.1-8B"), id: "mistralai/A-First", sources: [source] });
    writeEntry(other, scratch);
    const again = writeEntry({ ...entry, maxPositionEmbeddings: 16384 }, scratch);
    expect(again.replaced?.maxPositionEmbeddings).toBe(32768);
    const written = JSON.parse(readFileSync(join(scratch, "models", "mistralai.json"), "utf8")) as ModelFile;
    expect(written.models.map((model) => [model.id, model.maxPositionEmbeddings])).toEqual([
      ["mistralai/A-First", 131072],
      ["mistralai/Mixtral-8x7B-v0.1", 16384],
    ]);
    expect(written.checkpoints).toEqual([]);
  });

  it("runs as a command (--dry-run prints the entry and a summary)", () => {
    const result = spawnSync(process.execPath, ["--import", "tsx", join(ROOT, "test/tools/catalog-add.ts"), folder, "--source", source, "--dry-run"], { cwd: ROOT, encoding: "utf8" });
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('"id": "mistralai/Mixtral-8x7B-v0.1"');
    expect(result.stdout.trim().split("\n").at(-1)).toBe("mistralai/Mixtral-8x7B-v0.1: 46.70B parameters (12.88B active), bf16, context 32768");
    const refused = spawnSync(process.execPath, ["--import", "tsx", join(ROOT, "test/tools/catalog-add.ts"), folder], { cwd: ROOT, encoding: "utf8" });
    expect(refused.status).toBe(1);
    expect(refused.stderr).toBe("catalog:add: every catalog entry needs --source (a URL or owner/repo@commit:path a reader can open)\n");
  }, 20_000);
});
