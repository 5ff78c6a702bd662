/** Structural checks of SARIF 2.1.0 logs, shared by the unit and packed-package tests. */
import { createRequire } from "node:module";
import draft04 from "ajv-draft-04";
import type { ValidateFunction } from "ajv";
import formats from "ajv-formats";

/**
 * What a SARIF 2.1.0 log must have (sarif-schema-2.1.0.json's required properties and enums, for the
 * parts an ESLint SARIF writer uses; §3.4.3/§3.4.4: a relative URI needs a `uriBaseId` that the run's
 * `originalUriBaseIds` resolves). Returns the problems found; an empty list is a valid log.
 */
export function sarifProblems(log: unknown): string[] {
  const problems: string[] = [];
  const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);
  const isUri = (value: unknown) => typeof value === "string" && URL.canParse(value);
  const positiveInteger = (value: unknown) => Number.isInteger(value) && (value as number) >= 1;
  if (!isObject(log)) return ["the log is not a JSON object"];
  if (log.version !== "2.1.0") problems.push(`version is ${JSON.stringify(log.version)}, not "2.1.0"`);
  if (log.$schema !== undefined && !isUri(log.$schema)) problems.push("$schema is not a URI");
  if (!Array.isArray(log.runs)) return [...problems, "runs is not an array"];
  log.runs.forEach((run: unknown, r) => {
    const at = `runs[${r}]`;
    if (!isObject(run)) return problems.push(`${at} is not an object`);
    const driver = isObject(run.tool) ? run.tool.driver : undefined;
    if (!isObject(driver)) return problems.push(`${at}.tool.driver is missing`);
    if (typeof driver.name !== "string" || driver.name === "") problems.push(`${at}.tool.driver.name is missing`);
    const rules = Array.isArray(driver.rules) ? driver.rules : [];
    if (driver.rules !== undefined && !Array.isArray(driver.rules)) problems.push(`${at}.tool.driver.rules is not an array`);
    rules.forEach((rule: unknown, i) => {
      if (!isObject(rule) || typeof rule.id !== "string") return problems.push(`${at}.tool.driver.rules[${i}].id is missing`);
      if (rule.helpUri !== undefined && !isUri(rule.helpUri)) problems.push(`${at}.tool.driver.rules[${i}].helpUri is not a URI`);
      if (rule.shortDescription !== undefined && !(isObject(rule.shortDescription) && typeof rule.shortDescription.text === "string"))
        problems.push(`${at}.tool.driver.rules[${i}].shortDescription.text is missing`);
    });
    const bases = isObject(run.originalUriBaseIds) ? run.originalUriBaseIds : {};
    for (const [id, base] of Object.entries(bases)) {
      if (!isObject(base) || !isUri(base.uri) || !String(base.uri).endsWith("/")) problems.push(`${at}.originalUriBaseIds.${id}.uri is not an absolute URI ending in "/"`);
    }
    /** An absolute URI, or a relative reference resolved by a known uriBaseId. */
    const locatedUri = (location: Record<string, unknown>) => {
      if (isUri(location.uri)) return true;
      if (typeof location.uri !== "string" || !URL.canParse(location.uri, "file:///base/")) return false;
      return typeof location.uriBaseId === "string" && isObject(bases[location.uriBaseId]);
    };
    const artifacts = Array.isArray(run.artifacts) ? run.artifacts : [];
    artifacts.forEach((artifact: unknown, i) => {
      if (!isObject(artifact) || !isObject(artifact.location) || !locatedUri(artifact.location)) problems.push(`${at}.artifacts[${i}].location.uri is not a URI`);
    });
    if (run.results !== undefined && !Array.isArray(run.results)) problems.push(`${at}.results is not an array`);
    (Array.isArray(run.results) ? run.results : []).forEach((result: unknown, i) => {
      const where = `${at}.results[${i}]`;
      if (!isObject(result)) return problems.push(`${where} is not an object`);
      if (!isObject(result.message) || (typeof result.message.text !== "string" && typeof result.message.id !== "string")) problems.push(`${where}.message has neither text nor id`);
      if (result.level !== undefined && !["none", "note", "warning", "error"].includes(result.level as string)) problems.push(`${where}.level is ${JSON.stringify(result.level)}`);
      if (result.ruleIndex !== undefined) {
        const rule = rules[result.ruleIndex as number] as Record<string, unknown> | undefined;
        if (!Number.isInteger(result.ruleIndex) || !rule) problems.push(`${where}.ruleIndex points at no rule`);
        else if (result.ruleId !== undefined && rule.id !== result.ruleId) problems.push(`${where}.ruleIndex points at ${String(rule.id)}, not ${String(result.ruleId)}`);
      }
      (Array.isArray(result.locations) ? result.locations : []).forEach((location: unknown, l) => {
        const physical = isObject(location) ? location.physicalLocation : undefined;
        if (!isObject(physical)) return;
        const artifact = physical.artifactLocation;
        if (isObject(artifact)) {
          if (artifact.uri !== undefined && !locatedUri(artifact)) problems.push(`${where}.locations[${l}] uri is not a URI`);
          if (artifact.index !== undefined && !(Number.isInteger(artifact.index) && (artifact.index as number) < artifacts.length))
            problems.push(`${where}.locations[${l}] artifact index points at no artifact`);
        }
        const region = physical.region;
        if (region === undefined) return;
        if (!isObject(region)) return problems.push(`${where}.locations[${l}].region is not an object`);
        for (const key of ["startLine", "startColumn", "endLine", "endColumn"]) {
          if (region[key] !== undefined && !positiveInteger(region[key])) problems.push(`${where}.locations[${l}].region.${key} is not an integer >= 1`);
        }
        if (typeof region.endLine === "number" && typeof region.startLine === "number" && region.endLine < region.startLine)
          problems.push(`${where}.locations[${l}].region ends before it starts`);
      });
    });
  });
  return problems;
}

/**
 * The log checked against the SARIF 2.1.0 JSON schema itself: `sarif-2.1.0-rtm.5.json`, the OASIS
 * 2.1.0 schema (draft-04) as the SARIF SDK's `@microsoft/jest-sarif` ships it, compiled with the
 * project's Ajv 8 (its draft-04 build and ajv-formats for `uri`, `uri-reference` and `date-time`).
 * `unicodeRegExp: false`: the schema's `language` pattern (`…[a-zA-Z]{2}]?$`) is valid only without
 * the `u` flag, as draft-04 validators compiled it. Returns Ajv's errors as `path: message` lines.
 */
export function sarifSchemaErrors(log: unknown): string[] {
  const validate = (validateSarif ??= (() => {
    const require = createRequire(import.meta.url);
    const schema = require("@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json") as object;
    const ajv = new draft04.default({ allErrors: true, strict: false, unicodeRegExp: false });
    formats.default(ajv);
    return ajv.compile(schema);
  })());
  if (validate(log)) return [];
  return (validate.errors ?? []).map((error) => `${error.instancePath || "/"}: ${error.message ?? error.keyword}`);
}

let validateSarif: ValidateFunction | undefined;
