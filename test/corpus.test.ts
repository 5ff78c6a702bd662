/**
 * Real public configs (`../shared/corpus`, see its SOURCES.md) through the plugin as a user meets
 * it: nothing throws, a file fails only where it is not valid YAML (Helm templates), and every file's
 * deployments and findings are exactly the ones reviewed in `corpus/expected.json`. Skipped when the
 * corpus is not beside the project.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseYAML } from "yaml-eslint-parser";
import { explainFile } from "../src/explain.js";
import { CORPUS, corpusFiles, corpusPresent, lintCorpusFile, type CorpusOutcome } from "./corpus/corpus.js";
import { findings, lint } from "./support/lint.js";
import { UPDATING } from "./support/fixture-cases.js";

const EXPECTED_FILE = new URL("corpus/expected.json", import.meta.url);
const expected = JSON.parse(readFileSync(EXPECTED_FILE, "utf8")) as Record<string, CorpusOutcome>;

describe.skipIf(!corpusPresent)("the public corpus", () => {
  const files = corpusFiles();

  // `npm run test:update` rewrites corpus/expected.json from what the plugin reports now: review the diff.
  const updated: Record<string, CorpusOutcome> = {};
  afterAll(() => {
    if (UPDATING && Object.keys(updated).length === files.length) writeFileSync(EXPECTED_FILE, `${JSON.stringify(Object.fromEntries(Object.entries(updated).sort(([a], [b]) => (a < b ? -1 : 1))), null, 2)}\n`);
  });

  it("has an expectation for every YAML and JSON file, and a file for every expectation", () => {
    expect(files.length).toBeGreaterThan(0);
    if (!UPDATING) expect(files).toEqual(Object.keys(expected).sort());
  });

  it.each(files)("%s", (file) => {
    const { text, fatal, deployments, findings: found } = lintCorpusFile(file);
    // A parse error is the file's own (a Helm template is not YAML), never the plugin's.
    if (fatal) expect(() => parseYAML(text)).toThrow();
    updated[file] = { deployments, findings: found };
    if (!UPDATING) expect({ deployments, findings: found }).toEqual(expected[file]);
  });

  describe("verdicts checked by hand against the files and engine behaviour", () => {
    it("llm-sagemaker (HCL): the example's Meta-Llama-3-8B-Instruct on ml.g5.2xlarge (1 × A10G) fits with TGI's 4,096 total tokens; the module itself waits for its inputs", () => {
      const explain = (file: string) => explainFile(file, readFileSync(join(CORPUS, file), "utf8"), undefined, 1, join(CORPUS, file)).file.deployments;
      const [example] = explain("philschmid__terraform-aws-llm-sagemaker/examples__basic__main.tf");
      expect(example).toMatchObject({ kind: "module", status: "judged", estimate: { verdict: "fits", engine: "tgi", model: { name: "Meta-Llama-3-8B-Instruct" }, gpu: { name: "NVIDIA A10G", count: 1 }, maxModelLen: 4096 } });
      const [module] = explain("philschmid__terraform-aws-llm-sagemaker/main.tf");
      expect(module).toMatchObject({ kind: "aws_sagemaker_endpoint_configuration", status: "incomplete", location: { line: 106 } });
    });

    const message = (file: string, rule: string) => findings(lint(readFileSync(join(CORPUS, file), "utf8"), file.slice(file.indexOf("/") + 1))).find((entry) => entry.ruleId === rule)?.message;

    it("KAITO custom config: tensor-parallel-size 2 in the ConfigMap on a one-GPU Standard_NC24ads_A100_v4 cannot start", () => {
      expect(message("kaito-project__kaito/examples__inference__kaito_workspace_custom_config.yaml", "vram/parallelism-matches-gpus")).toBe(
        "vLLM starts 2 ranks (tensor parallel 2) but the deployment requests 1 GPU, so it fails to start. Request 2 GPUs or lower the parallel sizes.",
      );
    });

    it("KAITO MultiRoleInference: DeepSeek-V3 on one A100 80GB per role holds 66.5 GiB of the 630.5 it needs", () => {
      expect(message("kaito-project__kaito/examples__inference__kaito_multiroleinference_deepseek-v3.yaml", "vram/weights-fit")).toMatch(
        /^DeepSeek-V3 needs 630\.5 GiB at FP8; 1 × A100 80GB \(Standard_NC24ads_A100_v4\) has 66\.5 GiB usable\. Only 37\.6B of its 671B parameters are active per token, but every expert must be resident\./,
      );
    });

    it("SkyPilot: DeepSeek-R1 upcast to BF16 needs 1.25 TiB, more than 16 × A100 80GB hold", () => {
      expect(message("skypilot-org__skypilot/llm__deepseek-r1__deepseek-r1-671B-A100.yaml", "vram/weights-fit")).toMatch(
        /^DeepSeek-R1-BF16 needs 1251\.8 GiB at bf16; 16 × A100 80GB have 1005\.2 GiB usable\./,
      );
    });

    it("SkyPilot: gpt-oss-120b with vLLM defaults on one H100 leaves no KV cache (a vLLM 0.10.1 log shows -2.14 GiB)", () => {
      // 64.5 GiB of weights plus the runtime's 8.0 GiB is more than the 71.7 GiB budget.
      expect(message("skypilot-org__skypilot/llm__gpt-oss__gpt-oss-vllm.sky.yaml", "vram/weights-fit")).toMatch(
        /^gpt-oss-120b needs 72\.4 GiB at MXFP4; 1 × H100 80GB has 71\.7 GiB usable\./,
      );
    });

    it("AIBrix: a 10,240-token context on a Tesla-V100 fits only if it is the 32 GB part, and the finding says so", () => {
      expect(message("vllm-project__aibrix/samples__heterogeneous__deepseek-coder-7b-v100-deployment.yaml", "vram/kv-cache-headroom")).toMatch(
        /Assumes "Tesla-V100" is the V100 16GB, the smallest it names \(also the V100 32GB\)\. It fits the V100 32GB; a nvidia\.com\/gpu\.memory label says which\./,
      );
    });
  });
});
