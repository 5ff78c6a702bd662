/**
 * eslint-plugin-vram: the plugin object — meta, rules, and flat-config arrays (`recommended`,
 * `strict`, `all`) that also set how YAML and JSON files are parsed.
 */
import type { Linter } from "eslint";
import cpuOffload from "../rules/cpu-offload.js";
import expertOffload from "../rules/expert-offload.js";
import hostMemoryFit from "../rules/host-memory-fit.js";
import knownModel from "../rules/known-model.js";
import pinGpuType from "../rules/pin-gpu-type.js";
import uncheckedDeployment from "../rules/unchecked-deployment.js";
import validValues from "../rules/valid-values.js";
import kvCacheHeadroom from "../rules/kv-cache-headroom.js";
import parallelismEfficiency from "../rules/parallelism-efficiency.js";
import parallelismMatchesGpus from "../rules/parallelism-matches-gpus.js";
import quantizationSupported from "../rules/quantization-supported.js";
import servingCapacity from "../rules/serving-capacity.js";
import weightsFit from "../rules/weights-fit.js";
import { pluginMeta } from "./meta.js";
import { fileLanguageConfigs, languages } from "./languages.js";
import type { VramRule } from "./rule-kit/create-rule.js";
import type HclPlugin from "./hcl/index.js";

export const rules: Record<string, Pick<VramRule, "meta" | "create">> = {
  "weights-fit": weightsFit as never,
  "kv-cache-headroom": kvCacheHeadroom as never,
  "parallelism-matches-gpus": parallelismMatchesGpus as never,
  "parallelism-efficiency": parallelismEfficiency as never,
  "quantization-supported": quantizationSupported as never,
  "expert-offload": expertOffload as never,
  "cpu-offload": cpuOffload as never,
  "host-memory-fit": hostMemoryFit as never,
  "known-model": knownModel as never,
  "serving-capacity": servingCapacity as never,
  "pin-gpu-type": pinGpuType as never,
  "unchecked-deployment": uncheckedDeployment as never,
  "valid-values": validValues as never,
};

type RuleSetting = Linter.RuleEntry;

/** The rule entries of a shareable config level (also used by the HCL entry's configs). */
export function ruleSettings(level: "recommended" | "strict" | "all"): Record<string, RuleSetting> {
  const settings: Record<string, RuleSetting> = {};
  for (const [name, rule] of Object.entries(rules)) {
    const severity = level === "all" ? "error" : rule.meta.docs[level];
    const id = `${pluginMeta.namespace}/${name}`;
    // strict alone asks for more than a start: headroom for 4 concurrent full-length sequences.
    // `all` turns every rule on at error with recommended's options.
    settings[id] = level === "strict" && name === "kv-cache-headroom" ? [severity, { minConcurrentSequences: 4 }] : severity;
  }
  return settings;
}

const plugin = {
  meta: { ...pluginMeta },
  languages,
  rules,
  configs: {} as Record<"recommended" | "strict" | "all", Linter.Config[]>,
};

function config(level: "recommended" | "strict" | "all"): Linter.Config[] {
  return fileLanguageConfigs(plugin as never, `${pluginMeta.namespace}/${level}`, ruleSettings(level));
}

plugin.configs.recommended = config("recommended");
plugin.configs.strict = config("strict");
plugin.configs.all = config("all");

/**
 * The Terraform HCL plugin (`eslint-plugin-vram/hcl`), for callers that cannot use top-level await or a
 * static import of that entry: its WebAssembly parser loads while the promise is pending.
 */
export async function loadHclPlugin(): Promise<typeof HclPlugin> {
  return (await import("./hcl/index.js")).default;
}

export default plugin;
export { plugin as "module.exports" };
export const { meta, configs } = plugin;
