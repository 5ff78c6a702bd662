/**
 * The rules in force on the file being linted, and the strictest concurrency target among their
 * options. ESLint creates every enabled rule for a file before it visits the file's nodes, so by the
 * time any rule reports, every rule has registered here: a remedy is planned for the strictest
 * `minConcurrentSequences` configured and re-checked by exactly the rules that are on.
 */
import type { SourceCode } from "@eslint/core";

export interface Policy {
  /** Rule names (without the plugin prefix) enabled for this file. */
  rules: Set<string>;
  /** Full-length sequences the KV cache must hold at once (kv-cache-headroom's option; 1 when it is off). */
  minConcurrentSequences: number;
}

const policies = new WeakMap<object, Policy>();

function keyOf(sourceCode: SourceCode): object {
  return (sourceCode as unknown as { ast: object }).ast;
}

/** Records that a rule is on for this file (called from every rule's `create`). */
export function registerRule(sourceCode: SourceCode, name: string, minConcurrentSequences?: number): void {
  const key = keyOf(sourceCode);
  let policy = policies.get(key);
  if (!policy) policies.set(key, (policy = { rules: new Set(), minConcurrentSequences: 1 }));
  policy.rules.add(name);
  if (minConcurrentSequences !== undefined) policy.minConcurrentSequences = Math.max(policy.minConcurrentSequences, minConcurrentSequences);
}

/** The policy of the file being linted. */
export function policyOf(sourceCode: SourceCode): Policy {
  return policies.get(keyOf(sourceCode)) ?? { rules: new Set(), minConcurrentSequences: 1 };
}
