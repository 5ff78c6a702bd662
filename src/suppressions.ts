/**
 * In-data suppressions, for places where comments cannot go or do not survive (Helm-rendered
 * output, strict JSON): a Kubernetes annotation on the workload or its pod template, or a `"//"`
 * note in Terraform JSON. Each must give a reason.
 *
 *   metadata.annotations:
 *     vram.lint/ignore: "weights-fit, expert-offload: experts offloaded by design (batch jobs)"
 *     vram.lint/ignore-kv-cache-headroom: "context capped by the gateway"
 *   Terraform JSON:  "//": "vram.lint/ignore weights-fit: sized for a later instance upgrade"
 */
import type { AstNode, DocNode } from "./extract/doc.js";
import { str } from "./extract/doc.js";
import type { Deployment } from "./extract/types.js";

export const ANNOTATION = "vram.lint/ignore";

export interface Suppression {
  /** Rule names without the `vram/` prefix. */
  rules: string[];
  /** Why; undefined when none was given (then nothing is suppressed and the annotation is reported). */
  reason: string | undefined;
  /** The annotation or note, to report a missing reason on. */
  node: AstNode;
}

function ruleNames(list: string): string[] {
  return list
    .split(/[\s,]+/)
    .map((name) => name.trim().replace(/^vram\//, ""))
    .filter((name) => name.length > 0);
}

/** "rule-a, rule-b: reason" → rules and reason. */
function parseList(value: string, node: AstNode): Suppression {
  const colon = value.indexOf(":");
  const rules = ruleNames(colon >= 0 ? value.slice(0, colon) : value);
  const reason = colon >= 0 ? value.slice(colon + 1).trim() : "";
  return { rules, reason: reason.length > 0 ? reason : undefined, node };
}

function fromAnnotations(holder: DocNode): Suppression[] {
  const found: Suppression[] = [];
  for (const [key, value] of holder.get("annotations")?.entries() ?? []) {
    if (key === ANNOTATION) {
      found.push(parseList(str(value) ?? "", value.node));
    } else if (key.startsWith(`${ANNOTATION}-`)) {
      const reason = (str(value) ?? "").trim();
      found.push({ rules: [key.slice(ANNOTATION.length + 1)], reason: reason.length > 0 ? reason : undefined, node: value.node });
    }
  }
  return found;
}

const NOTE_PREFIX = "vram.lint/ignore";

function fromNote(note: DocNode): Suppression | undefined {
  const text = str(note);
  const start = text?.trimStart();
  const rest = start?.startsWith(NOTE_PREFIX) ? start.slice(NOTE_PREFIX.length) : undefined;
  return rest !== undefined && /^\s/.test(rest) ? parseList(rest.trimStart(), note.node) : undefined;
}

const cache = new WeakMap<Deployment, Suppression[]>();

/** The suppressions written on a deployment's objects (cached per deployment). */
export function suppressionsOf(deployment: Deployment): Suppression[] {
  let found = cache.get(deployment);
  if (!found) {
    found = [
      ...(deployment.annotationHolders ?? []).flatMap(fromAnnotations),
      ...(deployment.notes ?? []).map(fromNote).filter((entry): entry is Suppression => entry !== undefined),
    ];
    cache.set(deployment, found);
  }
  return found;
}

/** How a rule stands on a deployment: suppressed with a reason, named without one, or not named. */
export function suppressionFor(deployment: Deployment, rule: string): { suppressed: boolean; reasonless: Suppression[] } {
  const named = suppressionsOf(deployment).filter((entry) => entry.rules.includes(rule));
  return {
    suppressed: named.some((entry) => entry.reason !== undefined),
    reasonless: named.filter((entry) => entry.reason === undefined),
  };
}
