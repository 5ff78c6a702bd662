/**
 * `createRule({ name, meta, create })` — typescript-eslint's RuleCreator calling convention (docs URL
 * injected from the name, typed options with `meta.defaultOptions`) on `@eslint/core`'s
 * language-agnostic rule types, since the rules run over YAML and JSON ASTs, not ESTree.
 */
import type { RuleContext, RuleDefinition, RulesMeta, RuleVisitor, SourceCode } from "@eslint/core";
import { docsBaseUrl, pluginMeta } from "../meta.js";
import { printable } from "../report/wording.js";
import { registerRule } from "./policy.js";
import { mayHaveFindings } from "../extract/index.js";

/**
 * Languages the rules run under: eslint-plugin-yml's `yml/yaml`, eslint-plugin-jsonc's languages,
 * this plugin's own `vram/yaml`, `vram/json`, `vram/shell` (shell scripts) and `vram/hcl` (Terraform,
 * from `eslint-plugin-vram/hcl`), and the JavaScript language fed a YAML/JSON AST by a classic `languageOptions.parser` (`js/js`).
 * Rules return no visitor for other ASTs.
 */
export const RULE_LANGUAGES = ["yml/yaml", "jsonc/json", "jsonc/jsonc", "jsonc/json5", "jsonc/x", "vram/yaml", "vram/json", "vram/hcl", "vram/shell", "js/js"];

export interface VramRuleDocs {
  description: string;
  /** Which shareable configs enable it, and at what level (`off`: only `strict` and `all` turn it on). */
  recommended: "error" | "warn" | "off";
  strict: "error" | "warn";
}

export type VramRuleContext<MessageIds extends string, Options extends unknown[]> = RuleContext<{
  LangOptions: Record<string, unknown>;
  Code: SourceCode;
  RuleOptions: Options;
  Node: unknown;
  MessageIds: MessageIds;
}>;

export type VramRule<MessageIds extends string = string, Options extends unknown[] = unknown[]> = RuleDefinition<{
  LangOptions: Record<string, unknown>;
  Code: SourceCode;
  RuleOptions: Options;
  Visitor: RuleVisitor;
  Node: unknown;
  MessageIds: MessageIds;
  ExtRuleDocs: VramRuleDocs;
}> & { meta: RulesMeta<MessageIds, Options, VramRuleDocs> & { docs: VramRuleDocs & { url: string } } };

/** Every rule honours in-data suppressions, so every rule can report one that gives no reason. */
export const MISSING_REASON_MESSAGE =
  "This suppression names {{rule}} without a reason, so it suppresses nothing: write \"{{rule}}: <why>\" ({{annotation}} annotation or Terraform \"//\" note).";

export function createRule<MessageIds extends string, Options extends unknown[]>(rule: {
  name: string;
  meta: Omit<RulesMeta<MessageIds, Options, VramRuleDocs>, "docs" | "languages" | "messages"> & {
    docs: VramRuleDocs;
    messages: Record<Exclude<MessageIds, "missingReason">, string>;
  };
  create(context: VramRuleContext<MessageIds, Options>, options: Options[number]): RuleVisitor;
}): VramRule<MessageIds, Options> {
  const meta = {
    ...rule.meta,
    messages: { ...rule.meta.messages, missingReason: MISSING_REASON_MESSAGE },
    docs: { ...rule.meta.docs, url: `${docsBaseUrl}/${rule.name}.md` },
    languages: RULE_LANGUAGES,
  };
  return {
    meta,
    create(context) {
      // Most files of a repository deploy nothing: no rule does any work of its own on them.
      if (!mayHaveFindingsOnce(context.sourceCode)) return {};
      registerRule(context.sourceCode, rule.name);
      // ESLint merges meta.defaultOptions into context.options; the first element is the options object.
      return rule.create(new PrintableContext(context) as unknown as VramRuleContext<MessageIds, Options>, (context.options as Options)[0]);
    },
  } as VramRule<MessageIds, Options>;
}

const hints = new WeakMap<object, boolean>();

/** `mayHaveFindings` of the file being linted, once per file for all rules. */
function mayHaveFindingsOnce(sourceCode: SourceCode): boolean {
  const { ast, text } = sourceCode as unknown as { ast: object; text: string };
  let hint = hints.get(ast);
  if (hint === undefined) hints.set(ast, (hint = typeof text !== "string" || mayHaveFindings(ast, text)));
  return hint;
}

/**
 * Longest value a message takes from its data: a whole message's length (rule-kit/report.ts
 * `MESSAGE_LIMIT`), so only text from the linted file (a megabyte name) is ever cut.
 */
const DATA_VALUE_LIMIT = 320;

type Report = {
  loc?: unknown;
  node?: { loc?: unknown };
  messageId?: string;
  message?: string;
  data?: Record<string, unknown>;
  suggest?: Array<{ messageId?: string; desc?: string; data?: Record<string, unknown>; fix?: unknown }> | null;
};

/** Records what a suggestion's fix would do (every fixer call with its arguments), so two reports' fixes compare as text. */
const RECORDING_FIXER = new Proxy({}, { get: (_target, method) => (...args: unknown[]) => [method, ...args] });

/**
 * What makes a report the same as another: place, wording, and each suggestion's wording and edits
 * (the alternatives of a SkyPilot any-of set share a message but edit different entries).
 * Undefined when a fix cannot be compared: such a report is never taken for a repeat.
 */
function reportKey(descriptor: Report, data: Record<string, unknown> | undefined): string | undefined {
  try {
    const suggestions = (descriptor.suggest ?? []).map((suggestion) => [
      suggestion.messageId ?? suggestion.desc,
      suggestion.data,
      typeof suggestion.fix === "function" ? (suggestion.fix as (fixer: unknown) => unknown)(RECORDING_FIXER) : suggestion.fix,
    ]);
    return JSON.stringify([descriptor.loc ?? descriptor.node?.loc, descriptor.messageId ?? descriptor.message, data, suggestions]);
  } catch {
    return undefined;
  }
}

/** `data` with each string made printable; `data` itself when every string already is (most reports). */
function printableData(data: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (!data) return data;
  let result: Record<string, unknown> | undefined;
  for (const key of Object.keys(data)) {
    const value = data[key];
    if (typeof value !== "string") continue;
    const shown = printable(value, DATA_VALUE_LIMIT);
    if (shown === value) continue;
    result ??= { ...data };
    result[key] = shown;
  }
  return result ?? data;
}

/**
 * The context a rule sees: every report's data (and its suggestions') passes through `printable`,
 * in one place, so no message carries control characters, bidirectional overrides or a megabyte
 * of file text, whichever rule words it. A finding the rule already reported at the same place in
 * the same words, with the same suggestions, is not reported again: deployments that share a YAML merge key (`<<: *vllm` in
 * two compose services, two containers merging one anchor) are judged at the anchor's value, once.
 * It has what the rules read (`sourceCode`, `options`, `settings`, `cwd`, `report`) and is made for
 * every rule on every file that deploys something: a class instance with one field costs a fraction
 * of an object derived from ESLint's frozen context, or of a literal with getters of its own.
 */
class PrintableContext {
  /** Reports by place and wording; full keys (data and edits too) are made only once two share a place. */
  private reported: Map<string, { descriptor: Report; data: Record<string, unknown> | undefined; keys?: Set<string | undefined> }> | undefined;

  constructor(private readonly context: { report(descriptor: never): void; sourceCode: unknown; options: unknown; settings: unknown; cwd?: unknown }) {}

  get sourceCode(): unknown {
    return this.context.sourceCode;
  }

  get options(): unknown {
    return this.context.options;
  }

  get settings(): unknown {
    return this.context.settings;
  }

  get cwd(): unknown {
    return this.context.cwd;
  }

  report(descriptor: Report): void {
    const data = printableData(descriptor.data);
    const place = JSON.stringify([descriptor.loc ?? descriptor.node?.loc, descriptor.messageId ?? descriptor.message]);
    this.reported ??= new Map();
    const earlier = this.reported.get(place);
    if (!earlier) this.reported.set(place, { descriptor, data });
    else {
      earlier.keys ??= new Set([reportKey(earlier.descriptor, earlier.data)]);
      const key = reportKey(descriptor, data);
      if (key !== undefined) {
        if (earlier.keys.has(key)) return;
        earlier.keys.add(key);
      }
    }
    this.context.report({
      ...descriptor,
      data,
      ...(descriptor.suggest ? { suggest: descriptor.suggest.map((suggestion) => ({ ...suggestion, data: printableData(suggestion.data) })) } : {}),
    } as never);
  }
}

/** The rule id users write (`vram/weights-fit`). */
export function ruleId(name: string): string {
  return `${pluginMeta.namespace}/${name}`;
}
