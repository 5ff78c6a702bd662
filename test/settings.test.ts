import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";
import plugin from "../src/index.js";
import { bundledCatalog } from "../src/catalog/load.js";
import { readSettings, SettingsError } from "../src/settings.js";
import { FIXTURES, findings, lint } from "./support/lint.js";
import { deployment } from "./support/manifest.js";

describe("settings.vram", () => {
  it("uses the bundled catalog when there are no settings", () => {
    expect(readSettings(undefined).catalog).toBe(bundledCatalog());
  });

  it("adds a private model by extending a catalog entry, with overrides", () => {
    const { catalog } = readSettings({ models: [{ id: "acme/support-13b", extends: "meta-llama/Llama-2-13b-hf", maxPositionEmbeddings: 16384 }] });
    const model = catalog.resolveModel("acme/support-13b")!.model;
    expect(model).toMatchObject({ id: "acme/support-13b", layers: 40, maxPositionEmbeddings: 16384 });
    expect(model.sources[0]).toBe("settings.vram (extends meta-llama/Llama-2-13b-hf)");
    // The bundled entries are still there.
    expect(catalog.resolveModel("meta-llama/Llama-2-13b-hf")?.model.maxPositionEmbeddings).toBe(4096);
  });

  it("adds GPUs and instance types", () => {
    const { catalog } = readSettings({
      gpus: [{ id: "h100-vf", extends: "h100-80gb", name: "NVIDIA H100 (40 GB slice)", memoryBytes: 40 * 2 ** 30, names: ["h100-half"] }],
      instanceTypes: [{ id: "gpu-pool-a", gpu: "a10g", gpuCount: 4 }],
    });
    expect(catalog.resolveGpu("h100-half")?.gpu.memoryBytes).toBe(40 * 2 ** 30);
    expect(catalog.resolveInstance("gpu-pool-a")).toMatchObject({ gpu: "a10g", gpuCount: 4 });
  });

  it("imports a model from its config.json, relative to the base directory (ESLint's cwd)", () => {
    const { catalog } = readSettings({ models: [{ id: "acme/support-bot-8b", config: "./hf-configs/meta-llama--Llama-3.1-8B" }] }, FIXTURES);
    const model = catalog.resolveModel("acme/support-bot-8b")!.model;
    expect(model).toMatchObject({ id: "acme/support-bot-8b", layers: 32, kvHeads: 8, maxPositionEmbeddings: 131072, params: { total: 8_030_261_248 } });
    expect(model.sources).toEqual(["settings.vram (config ./hf-configs/meta-llama--Llama-3.1-8B)"]);
    // The config.json itself, an absolute path, a file URL; and overrides next to it.
    const file = `${FIXTURES}/hf-configs/meta-llama--Llama-3.1-8B/config.json`;
    expect(readSettings({ models: [{ id: "acme/a", config: file }] }, "/").catalog.model("acme/a")?.layers).toBe(32);
    expect(readSettings({ models: [{ id: "acme/b", config: new URL(`file://${file}`), maxPositionEmbeddings: 16384 }] }, "/").catalog.model("acme/b")?.maxPositionEmbeddings).toBe(16384);
  });

  it.each([
    [{ models: [{ id: "acme/x", config: "./hf-configs/no-such-model" }] }, "settings.vram.models[0].config: "],
    [{ models: [{ id: "acme/x", config: 42 }] }, "settings.vram.models[0].config must be the path of a model folder or its config.json"],
    [{ models: [{ config: "./hf-configs/meta-llama--Llama-3.1-8B" }] }, 'settings.vram.models[0] is missing "id"'],
    [{ models: [{ id: "acme/x", config: "./hf-configs/meta-llama--Llama-3.1-8B", extends: "meta-llama/Llama-3.1-8B" }] }, 'settings.vram.models[0] has both "config" and "extends"'],
  ])("rejects a bad config entry %j with a message naming the key", (raw, message) => {
    expect(() => readSettings(raw, FIXTURES)).toThrow(SettingsError);
    expect(() => readSettings(raw, FIXTURES)).toThrow(message);
  });

  it("sizes a private model from its config.json through ESLint, resolving the path against ESLint's cwd", async () => {
    const eslint = new ESLint({
      cwd: FIXTURES,
      overrideConfigFile: true,
      overrideConfig: [...(plugin.configs.recommended as never[]), { settings: { vram: { models: [{ id: "acme/support-bot-8b", config: "./hf-configs/meta-llama--Llama-3.1-8B" }] } } }],
    });
    const manifest = deployment(`"--model", "acme/support-bot-8b", "--max-model-len", "8192"`, { selector: "nvidia-tesla-t4" });
    const [result] = await eslint.lintText(manifest, { filePath: `${FIXTURES}/kubernetes/support-bot.yaml` });
    const messages = result!.messages.filter((message) => message.ruleId?.startsWith("vram/"));
    expect(messages.map((message) => message.messageId)).toEqual(["weightsExceed"]);
    expect(messages[0]!.message).toMatch(/^support-bot-8b needs 15\.6 GiB at bf16; 1 × T4 has 13\.3 GiB usable\./);
  });

  it("reads defaults", () => {
    expect(readSettings({ defaults: { engine: "sglang", gpu: "L4", gpuMemoryUtilization: 0.85 } }).defaults).toEqual({ engine: "sglang", gpu: "L4", gpuMemoryUtilization: 0.85 });
  });

  it("reads the engine releases to assume, by any name of the engine", () => {
    expect(readSettings({ engineVersions: { vLLM: "0.11", "llama-cpp": "b6000", "text-generation-inference": "v2.4.1" } }).defaults.engineVersions).toEqual({ vllm: "0.11", "llama.cpp": "b6000", tgi: "v2.4.1" });
  });

  it("reads each settings object once", () => {
    const raw = { defaults: { gpu: "L4" } };
    expect(readSettings(raw)).toBe(readSettings(raw));
  });

  it.each([
    [[], "settings.vram must be an object"],
    [{ model: [] }, 'settings.vram has an unknown key "model" (expected models, gpus, instanceTypes, defaults, prices, targets, denseEquivalentParams, engineVersions, cluster)'],
    [{ engineVersions: "0.11" }, 'settings.vram.engineVersions must be an object of engine names to releases, such as { "vllm": "0.11.0" }'],
    [{ engineVersions: { triton: "1.0" } }, 'settings.vram.engineVersions has an unknown engine "triton" (expected vllm, sglang, tgi, llama.cpp, ollama, trtllm, lmdeploy, tei)'],
    [{ engineVersions: { vllm: "latest" } }, 'settings.vram.engineVersions.vllm must be a release such as "0.11.0", got "latest"'],
    [{ engineVersions: { "llama.cpp": 6000 } }, 'settings.vram.engineVersions.llama.cpp must be a release such as "b6000", got 6000'],
    [{ models: {} }, "settings.vram.models must be an array"],
    [{ models: [{ id: "acme/x", extends: "acme/nothing" }] }, 'settings.vram.models[0].extends names "acme/nothing", which is not in the catalog'],
    [{ models: [{ id: "acme/x", extends: "meta-llama/Llama-2-13b-hf", layers: "forty" }] }, "settings.vram.models[0].layers must be integer"],
    [{ models: [{ id: "acme/x", layers: 4 }] }, 'settings.vram.models[0] is missing "architecture"'],
    [{ models: [{ id: "acme/x", extends: "meta-llama/Llama-2-13b-hf", layerz: 40 }] }, 'settings.vram.models[0] has an unknown key "layerz"'],
    [{ models: [{ id: "acme/x", extends: "meta-llama/Llama-2-13b-hf", nativeFormat: "int3" }] }, 'settings.vram.models[0].nativeFormat "int3" is not a quantization format id'],
    [{ gpus: [{ id: "x", extends: "h100-80gb", memoryBytes: -1 }] }, "settings.vram.gpus[0].memoryBytes must be >= 1073741824"],
    [{ instanceTypes: [{ id: "pool", gpu: "quantum", gpuCount: 2 }] }, 'settings.vram.instanceTypes[0].gpu names "quantum", which is not a catalog GPU id'],
    [{ instanceTypes: [{ id: "pool", gpu: "a10g", gpuCount: 0 }] }, "settings.vram.instanceTypes[0].gpuCount must be >= 1"],
    [{ defaults: { engine: "triton" } }, "settings.vram.defaults.engine must be one of vllm, sglang, tgi, llama.cpp, ollama, trtllm, lmdeploy, tei"],
    [{ defaults: { gpuMemoryUtilization: 1.2 } }, "settings.vram.defaults.gpuMemoryUtilization must be a number above 0 and at most 1"],
    [{ defaults: { gpuCount: 2 } }, 'settings.vram.defaults has an unknown key "gpuCount"'],
    [{ cluster: ["l4"] }, "settings.vram.cluster must be an object such as"],
    [{ cluster: { gpus: [] } }, "settings.vram.cluster.gpus must be a non-empty array of GPU names"],
    [{ cluster: { gpus: ["l4"], nodes: 3 } }, 'settings.vram.cluster has an unknown key "nodes" (expected gpus)'],
    [{ cluster: { gpus: ["l4", "quantum-9000"] } }, 'settings.vram.cluster.gpus[1] names "quantum-9000", which is not a catalog GPU'],
    [{ cluster: { gpus: ["l4", "A100"] } }, 'settings.vram.cluster.gpus[1] "A100" names several GPUs (a100-40gb, a100-80gb); write one id'],
  ])("rejects %j with a message naming the key", (raw, message) => {
    expect(() => readSettings(raw)).toThrow(SettingsError);
    expect(() => readSettings(raw)).toThrow(message);
  });

  it("makes a bad setting a configuration error in ESLint, naming the key", () => {
    expect(() => lint(deployment(`"--model", "meta-llama/Llama-3.1-8B-Instruct"`), "a.yaml", { settings: { vram: { defaults: { engine: "triton" } } } })).toThrow(
      /settings\.vram\.defaults\.engine must be one of/,
    );
  });

  it("reads the cluster's GPUs, including GPUs the settings add", () => {
    const settings = readSettings({ gpus: [{ id: "rtx-pro-5000-blackwell", extends: "rtx-pro-6000-blackwell", memoryBytes: 48 * 2 ** 30, names: ["RTX-PRO-5000"] }], cluster: { gpus: ["L4", "RTX-PRO-5000"] } });
    expect(settings.cluster?.gpus.map((gpu) => gpu.id)).toEqual(["l4", "rtx-pro-5000-blackwell"]);
  });

  it("judges a file that names no GPU type on the cluster's GPUs: silent when all fit, an error when none does", () => {
    const llama = deployment(`"--model", "meta-llama/Llama-3.1-8B-Instruct", "--max-model-len", "16384"`).replace(/\n\s+nodeSelector:\n\s+\S+: \S+/, "");
    expect(findings(lint(llama, "a.yaml")).map((message) => message.ruleId)).toEqual(["vram/pin-gpu-type"]);
    expect(findings(lint(llama, "a.yaml", { settings: { vram: { cluster: { gpus: ["l4", "h100-80gb"] } } } }))).toEqual([]);
    const [error] = findings(lint(llama, "a.yaml", { settings: { vram: { cluster: { gpus: ["t4", "v100-16gb"] } } } }));
    expect(error).toMatchObject({ ruleId: "vram/weights-fit", severity: 2 });
    expect(error!.message).toContain("Assumes no GPU type is named; judged on the V100 16GB, the largest of settings.vram.cluster.");
  });

  it("assumes the default GPU for files that name none, and says so", () => {
    const compose = `services:\n  llm:\n    image: vllm/vllm-openai:v0.11.0\n    command: ["--model", "mistralai/Mixtral-8x7B-Instruct-v0.1"]\n    deploy:\n      resources:\n        reservations:\n          devices: [{ driver: nvidia, count: 1, capabilities: [gpu] }]\n`;
    // Without it, the GPUs it could land on are the range: Mixtral fits only some of them.
    expect(findings(lint(compose, "compose.yaml")).map((message) => message.ruleId)).toEqual(["vram/pin-gpu-type"]);
    const [message] = findings(lint(compose, "compose.yaml", { settings: { vram: { defaults: { gpu: "L4" } } } }));
    expect(message?.ruleId).toBe("vram/weights-fit");
    expect(message?.message).toContain("Assumes the NVIDIA L4 of settings.vram.defaults.gpu, as no GPU type is named.");
  });
});
