/**
 * Chart values assembled the way Helm assembles them: values documents merged in order (maps key by
 * key, everything else replaced), then `--set`-style overrides (`a.b[0].c=value`). Shared by
 * Terraform's `helm_release` (`values`, `set` blocks) and Argo CD's `helm.parameters`.
 */
import type { DocNode } from "./doc.js";
import { isRecord, setOwn } from "../lookup.js";

/** `override` merged over `base` as Helm merges values files: maps key by key, anything else replaced. */
export function deepMerge(base: unknown, override: unknown): unknown {
  if (!isRecord(base) || !isRecord(override)) return override;
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) setOwn(merged, key, Object.hasOwn(merged, key) ? deepMerge(merged[key], value) : value);
  return merged;
}

/** `--set`-style path `a.b[0].c` (`\.` escapes a dot) → value, creating what is missing. */
export function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const parts: Array<string | number> = [];
  for (const match of path.matchAll(/((?:\\.|[^.[\]])+)|\[(\d+)\]/g)) parts.push(match[2] !== undefined ? Number(match[2]) : match[1]!.replace(/\\\./g, "."));
  let current: Record<string | number, unknown> = target;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    if (i === parts.length - 1) {
      setOwn(current, part, value);
      return;
    }
    const next = Object.hasOwn(current, part) ? current[part] : undefined;
    if (next === null || typeof next !== "object") setOwn(current, part, typeof parts[i + 1] === "number" ? [] : {});
    current = current[part] as Record<string | number, unknown>;
  }
}

/** Helm's `--set` typing: numbers and booleans unless `type = "string"`. */
export function setValue(raw: string, type: string | undefined): unknown {
  if (type === "string") return raw;
  if (/^-?\d+(\.\d+)?$/.test(raw)) return Number(raw);
  if (raw === "true" || raw === "false") return raw === "true";
  return raw;
}

/** The plain value of a document view (for merging Helm values). */
export function plain(node: DocNode, depth = 0): unknown {
  if (depth > 64) return null;
  if (node.type === "map") return Object.fromEntries(node.entries().map(([key, value]) => [key, plain(value, depth + 1)]));
  if (node.type === "seq") return node.items().map((item) => plain(item, depth + 1));
  return node.value ?? null;
}
