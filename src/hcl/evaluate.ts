/**
 * Static evaluation of the HCL people write around a deployment, as Terraform would plan it:
 * literals, `var.x` (a `terraform.tfvars` / `*.auto.tfvars` value, else the variable's `default`),
 * `local.x` (from `locals` in any `.tf` file of the module's folder), string interpolation when every
 * part is known, conditionals, arithmetic, and the pure functions that shape values (`merge`,
 * `lookup`, `yamldecode`, `jsonencode`, …). Everything else — resources' attributes, data sources,
 * `module.*`, `count`/`each`, `for` expressions, files read at plan time — is unknown: its value is the
 * expression in Terraform-JSON spelling (`${module.llm.model_id}`), which the adapters leave unjudged.
 */
import { getStaticYAMLValue, parseYAML } from "yaml-eslint-parser";
import { type AstNode, type DocNode, embeddedDoc, setHclParser, setLocatedParser, unreadableReason } from "../extract/doc.js";
import type { HCLBlock, HCLExpression, HCLFunctionCall, HCLProgram, HCLTemplate, LineIndex } from "./ast.js";
import { parseSourcedYaml, type SourcedString } from "./embedded.js";
import { bodyDoc, NODE_SELECTOR_KEYS } from "./document.js";
import { parseHcl } from "./parser.js";
import { collectNodePools, type NodePool, PoolAwareDoc, withPoolLabels } from "./node-pools.js";
import { AnchoredDoc, isUnknown, LazyMapDoc, ListDoc, plainOf, ScalarDoc, UNKNOWN, UnknownDoc, withKey } from "./values.js";
import { trimTrailing } from "../text.js";

/** One parsed file of a module. */
export interface HclSource {
  path: string | undefined;
  text: string;
  program: HCLProgram;
  lines: LineIndex;
}

/**
 * The HCL a heredoc holds, as a file of its own whose positions are this file's: the text around
 * the heredoc is blanked (lines kept) and the whole parsed, so a finding underlines the value in
 * the heredoc and a fix edits it there. Its own references are its own: none reach this module.
 */
function heredocDocuments(template: HCLTemplate, file: HclSource): DocNode[] | undefined {
  const start = template.parts[0]?.range[0];
  const end = template.parts.at(-1)?.range[1];
  if (start === undefined || end === undefined) return undefined;
  const blank = (text: string) => text.replace(/[^\n]/g, " ");
  const text = blank(file.text.slice(0, start)) + file.text.slice(start, end) + blank(file.text.slice(end));
  const program = parseHcl(text);
  if (program.syntaxError) return undefined;
  const source: HclSource = { path: undefined, text, program, lines: file.lines };
  return [bodyDoc(program.body, new HclModule([source]).evaluator(source), program)];
}

/** How deep references may chain (local → local → …) before the value counts as unknown. */
const MAX_DEPTH = 32;

interface Definition {
  file: HclSource;
  expression: HCLExpression;
}

function attributeOf(block: HCLBlock, name: string): HCLExpression | undefined {
  for (const item of block.body) if (item.type === "HCLAttribute" && item.key.name === name) return item.value;
  return undefined;
}

function labelText(label: HCLBlock["labels"][number]): string | undefined {
  if (label.type === "HCLIdentifier") return label.name;
  const [part] = label.parts;
  if (label.parts.length === 0) return "";
  return label.parts.length === 1 && part?.type === "HCLTemplateLiteral" ? part.value : undefined;
}

export function blockLabels(block: HCLBlock): string[] | undefined {
  const labels: string[] = [];
  for (const label of block.labels) {
    const text = labelText(label);
    if (text === undefined) return undefined;
    labels.push(text);
  }
  return labels;
}

/**
 * A Terraform module: the `.tf` files of one folder (Terraform merges them), plus the variable
 * values Terraform loads from that folder by itself (`terraform.tfvars`, `*.auto.tfvars`).
 */
export class HclModule {
  private readonly variables = new Map<string, { file: HclSource; block: HCLBlock }>();
  private readonly assigned = new Map<string, Definition>();
  private readonly locals = new Map<string, Definition>();
  private readonly evaluators = new Map<HclSource, Evaluator>();
  private readonly resolved = new Map<string, DocNode | "pending">();
  readonly files: HclSource[];

  constructor(files: HclSource[], variableFiles: HclSource[] = []) {
    this.files = files;
    for (const file of files) {
      for (const item of file.program.body) {
        // A block tree-sitter had to repair is not trusted for values.
        if (item.type !== "HCLBlock" || item.hasError) continue;
        const labels = blockLabels(item);
        if (item.blockType.name === "variable" && labels?.length === 1 && !this.variables.has(labels[0]!)) this.variables.set(labels[0]!, { file, block: item });
        if (item.blockType.name === "locals") {
          for (const entry of item.body) if (entry.type === "HCLAttribute" && !this.locals.has(entry.key.name)) this.locals.set(entry.key.name, { file, expression: entry.value });
        }
      }
    }
    // terraform.tfvars first, then *.auto.tfvars in name order: later files win (Terraform's order).
    for (const file of variableFiles) {
      for (const item of file.program.body) if (item.type === "HCLAttribute") this.assigned.set(item.key.name, { file, expression: item.value });
    }
  }

  private pools: NodePool[] | undefined;

  /** A node selector with the GPU labels of the module's node pool it selects (see node-pools.ts). */
  placement(selector: DocNode): DocNode {
    if (!this.pools) {
      this.pools = [];
      this.pools = collectNodePools(this);
    }
    return withPoolLabels(selector, this.pools);
  }

  evaluator(file: HclSource): Evaluator {
    let evaluator = this.evaluators.get(file);
    if (!evaluator) this.evaluators.set(file, (evaluator = new Evaluator(this, file)));
    return evaluator;
  }

  private once(key: string, compute: () => DocNode, node: AstNode, raw: string): DocNode {
    const found = this.resolved.get(key);
    if (found === "pending") return new UnknownDoc(raw, node); // a cycle
    if (found) return found;
    this.resolved.set(key, "pending");
    const value = compute();
    this.resolved.set(key, value);
    return value;
  }

  /** `var.name` as Terraform plans it without -var flags; unknown when neither tfvars nor a default give it. */
  variable(name: string, node: AstNode, depth: number): DocNode {
    return this.once(
      `var.${name}`,
      () => {
        const assigned = this.assigned.get(name);
        if (assigned) return this.evaluator(assigned.file).evaluate(assigned.expression, depth + 1);
        const declared = this.variables.get(name);
        const fallback = declared ? attributeOf(declared.block, "default") : undefined;
        if (!declared || !fallback) return new UnknownDoc(`var.${name}`, node);
        return this.evaluator(declared.file).evaluate(fallback, depth + 1);
      },
      node,
      `var.${name}`,
    );
  }

  local(name: string, node: AstNode, depth: number): DocNode {
    return this.once(
      `local.${name}`,
      () => {
        const definition = this.locals.get(name);
        return definition ? this.evaluator(definition.file).evaluate(definition.expression, depth + 1) : new UnknownDoc(`local.${name}`, node);
      },
      node,
      `local.${name}`,
    );
  }
}

type Step = { kind: "attr"; name: string } | { kind: "index"; index: HCLExpression };

/** Evaluates expressions of one file of a module. */
export class Evaluator {
  constructor(
    readonly module: HclModule,
    readonly file: HclSource,
  ) {}

  /** The expression as written, on one line (for messages). */
  written(node: AstNode): string {
    const text = this.file.text.slice(node.range[0], node.range[1]).replace(/\s+/g, " ").trim();
    return text.length > 120 ? `${text.slice(0, 117)}...` : text;
  }

  private unknown(node: AstNode): UnknownDoc {
    return new UnknownDoc(this.written(node), node);
  }

  evaluate(expression: HCLExpression, depth = 0): DocNode {
    if (depth > MAX_DEPTH) return this.unknown(expression);
    switch (expression.type) {
      case "HCLLiteral":
        return new ScalarDoc(expression.value, expression, false);
      case "HCLTemplate":
        return this.template(expression, depth);
      case "HCLTuple":
        return new ListDoc(() => expression.elements.map((element) => this.evaluate(element, depth + 1)), expression, false);
      case "HCLObject":
        return new LazyMapDoc(() => this.objectEntries(expression.items, depth), expression, false);
      case "HCLParenthesized":
        return this.evaluate(expression.expression, depth + 1);
      case "HCLGetAttr":
      case "HCLIndex":
      case "HCLVariable":
        return this.traversal(expression, depth);
      case "HCLConditional": {
        const test = this.evaluate(expression.test, depth + 1);
        if (isUnknown(test) || typeof test.value !== "boolean") return this.eitherMap(expression, depth) ?? this.unknown(expression);
        return this.evaluate(test.value ? expression.consequent : expression.alternate, depth + 1);
      }
      case "HCLUnary": {
        const argument = this.evaluate(expression.argument, depth + 1);
        if (isUnknown(argument)) return this.unknown(expression);
        if (expression.operator === "-" && typeof argument.value === "number") return new ScalarDoc(-argument.value, expression, argument.embedded);
        if (expression.operator === "!" && typeof argument.value === "boolean") return new ScalarDoc(!argument.value, expression, true);
        return this.unknown(expression);
      }
      case "HCLBinary":
        return this.binary(expression, depth);
      case "HCLFunctionCall":
        return this.call(expression, depth);
      default:
        return this.unknown(expression);
    }
  }

  /**
   * `cond ? { HF_TOKEN = var.token } : {}` with `cond` unknown: a map whose keys are those either
   * branch may have, each unknown — so `merge({…}, cond ? {…} : {})` keeps the keys no branch touches.
   */
  private eitherMap(expression: Extract<HCLExpression, { type: "HCLConditional" }>, depth: number): DocNode | undefined {
    const branches = [this.evaluate(expression.consequent, depth + 1), this.evaluate(expression.alternate, depth + 1)];
    if (branches.some((branch) => branch.type !== "map" || isUnknown(branch))) return undefined;
    const raw = this.written(expression);
    return new LazyMapDoc(() => branches.flatMap((branch) => branch.entries().map(([key, value]): [string, DocNode] => [key, new UnknownDoc(raw, expression, value.keyNode)])), expression, true);
  }

  private objectEntries(items: Array<{ key: HCLExpression; value: HCLExpression }>, depth: number): Array<[string, DocNode]> {
    const entries: Array<[string, DocNode]> = [];
    for (const item of items) {
      let key: string | undefined;
      // A bare word is the key itself (`model = …`); anything else is an expression that must be known.
      if (item.key.type === "HCLVariable") key = item.key.name;
      else {
        const evaluated = this.evaluate(item.key, depth + 1);
        if (!isUnknown(evaluated) && evaluated.type === "scalar") key = String(evaluated.value);
      }
      if (key === undefined) continue;
      const value = this.evaluate(item.value, depth + 1);
      entries.push([key, withKey(NODE_SELECTOR_KEYS.has(key) ? this.module.placement(value) : value, item.key)]);
    }
    return entries;
  }

  /** A template's value with the source range of every character, or undefined when a part is unknown. */
  sourced(template: HCLTemplate, depth: number): SourcedString | { unknown: string } {
    let text = "";
    const starts: number[] = [];
    const ends: number[] = [];
    let unknownText = "";
    let known = true;
    for (const part of template.parts) {
      if (part.type === "HCLTemplateLiteral") {
        const raw = this.file.text.slice(part.range[0], part.range[1]);
        const verbatim = raw === part.value;
        for (let i = 0; i < part.value.length; i++) {
          starts.push(verbatim ? part.range[0] + i : part.range[0]);
          ends.push(verbatim ? part.range[0] + i + 1 : part.range[1]);
        }
        text += part.value;
        unknownText += raw;
        continue;
      }
      if (part.type === "HCLTemplateDirective") return { unknown: this.written(template) };
      const value = part.expression ? this.evaluate(part.expression, depth + 1) : undefined;
      const written = part.expression ? `\${${this.written(part.expression)}}` : "${}";
      if (!value || isUnknown(value) || value.type !== "scalar" && value.type !== "null") {
        known = false;
        unknownText += written;
        continue;
      }
      const piece = value.value === null ? "" : String(value.value);
      for (let i = 0; i < piece.length; i++) {
        starts.push(part.range[0]);
        ends.push(part.range[1]);
      }
      text += piece;
      // A known part reads as its value beside an unknown one (`owner: "${"devops"}"` in a heredoc of
      // chart values is `owner: "devops"`, which the YAML around it parses).
      unknownText += piece;
    }
    if (!known) return { unknown: unknownText };
    if (template.kind === "heredoc" && template.indented) return stripIndent({ text, starts, ends, endOffset: template.range[1] });
    return { text, starts, ends, endOffset: template.parts.at(-1)?.range[1] ?? template.range[0] + 1 };
  }

  private template(template: HCLTemplate, depth: number): DocNode {
    const value = this.sourced(template, depth);
    if (template.kind === "heredoc" && template.parts.every((part) => part.type !== "HCLTemplateDirective")) {
      // HCL written in a heredoc (a nomad_job's jobspec) is read where it is written; an interpolation
      // in it (`"${var.model}"`) is one in the HCL it holds too, and reads as unknown there.
      setHclParser(template, () => heredocDocuments(template, this.file));
    }
    if ("unknown" in value) {
      // A part is unknown: the rest of the string still counts (a command line with `${var.model}`
      // in it), in Terraform-JSON spelling; it is written verbatim only if that is the source text.
      const inner = template.kind === "quoted" ? this.file.text.slice(template.range[0] + 1, template.range[1] - 1) : undefined;
      return new ScalarDoc(value.unknown, template, inner !== value.unknown);
    }
    const inner = template.kind === "quoted" ? this.file.text.slice(template.range[0] + 1, template.range[1] - 1) : undefined;
    if (template.kind === "heredoc" || inner !== value.text) {
      // Whatever parses the string (a kubectl_manifest's yaml_body) gets positions inside it.
      setLocatedParser(template, (text) => {
        if (text !== value.text) return undefined;
        return parseSourcedYaml(value, this.file.text, this.file.lines)?.map((document) => new PoolAwareDoc(document, (selector) => this.module.placement(selector)));
      });
    }
    return new ScalarDoc(value.text, template, inner !== value.text);
  }

  private traversal(expression: HCLExpression, depth: number): DocNode {
    const steps: Step[] = [];
    let root: HCLExpression = expression;
    while (root.type === "HCLGetAttr" || root.type === "HCLIndex") {
      steps.unshift(root.type === "HCLGetAttr" ? { kind: "attr", name: root.name } : { kind: "index", index: root.index });
      root = root.object;
    }
    let current: DocNode;
    let rest: Step[];
    const first = steps[0];
    if (root.type === "HCLVariable" && (root.name === "var" || root.name === "local") && first?.kind === "attr") {
      current = root.name === "var" ? this.module.variable(first.name, expression, depth) : this.module.local(first.name, expression, depth);
      rest = steps.slice(1);
    } else if (root.type !== "HCLVariable") {
      // (expression)[key], func(...).attr
      current = this.evaluate(root, depth + 1);
      rest = steps;
    } else {
      return this.unknown(expression);
    }
    for (const step of rest) {
      if (isUnknown(current)) break;
      let next: DocNode | undefined;
      if (step.kind === "attr") next = current.get(step.name);
      else {
        const index = this.evaluate(step.index, depth + 1);
        if (isUnknown(index) || index.type !== "scalar") return this.unknown(expression);
        next = current.type === "seq" ? (typeof index.value === "number" ? current.items()[index.value] : undefined) : current.get(String(index.value));
      }
      if (!next) return this.unknown(expression);
      current = next;
    }
    if (isUnknown(current)) return this.unknown(expression);
    // Values of variables and locals are reported where they are used, never edited there.
    return root.type === "HCLVariable" ? new AnchoredDoc(current, expression) : current;
  }

  private binary(expression: Extract<HCLExpression, { type: "HCLBinary" }>, depth: number): DocNode {
    const left = this.evaluate(expression.left, depth + 1);
    const right = this.evaluate(expression.right, depth + 1);
    if (isUnknown(left) || isUnknown(right)) return this.unknown(expression);
    const a = plainOf(left);
    const b = plainOf(right);
    if (a === UNKNOWN || b === UNKNOWN) return this.unknown(expression);
    let value: unknown;
    switch (expression.operator) {
      case "==":
        value = JSON.stringify(a) === JSON.stringify(b);
        break;
      case "!=":
        value = JSON.stringify(a) !== JSON.stringify(b);
        break;
      case "&&":
        value = typeof a === "boolean" && typeof b === "boolean" ? a && b : undefined;
        break;
      case "||":
        value = typeof a === "boolean" && typeof b === "boolean" ? a || b : undefined;
        break;
      default: {
        const x = typeof a === "number" ? a : typeof a === "string" && a.trim() !== "" ? Number(a) : Number.NaN;
        const y = typeof b === "number" ? b : typeof b === "string" && b.trim() !== "" ? Number(b) : Number.NaN;
        if (!Number.isFinite(x) || !Number.isFinite(y)) return this.unknown(expression);
        const table: Record<string, () => unknown> = {
          "+": () => x + y,
          "-": () => x - y,
          "*": () => x * y,
          "/": () => (y === 0 ? undefined : x / y),
          "%": () => (y === 0 ? undefined : x % y),
          "<": () => x < y,
          ">": () => x > y,
          "<=": () => x <= y,
          ">=": () => x >= y,
        };
        value = Object.hasOwn(table, expression.operator) ? table[expression.operator]!() : undefined;
      }
    }
    if (value === undefined) return this.unknown(expression);
    return new ScalarDoc(value as number | boolean, expression, true);
  }

  private call(call: HCLFunctionCall, depth: number): DocNode {
    const implementation = Object.hasOwn(FUNCTIONS, call.name) ? FUNCTIONS[call.name] : undefined;
    if (!implementation || call.expandFinal) return this.unknown(call);
    const args = call.arguments.map((argument) => this.evaluate(argument, depth + 1));
    try {
      return implementation(args, call, this, depth) ?? this.unknown(call);
    } catch {
      return this.unknown(call);
    }
  }
}

/** `<<-` heredocs: the smallest indentation of the non-blank lines is removed (Terraform's rule). */
function stripIndent(value: SourcedString): SourcedString {
  const lines = value.text.split("\n");
  let indent = Number.POSITIVE_INFINITY;
  for (const line of lines) if (line.trim() !== "") indent = Math.min(indent, /^[ \t]*/.exec(line)![0].length);
  if (!Number.isFinite(indent) || indent === 0) return value;
  const result: SourcedString = { text: "", starts: [], ends: [], endOffset: value.endOffset };
  let offset = 0;
  lines.forEach((line, index) => {
    const drop = Math.min(indent, /^[ \t]*/.exec(line)![0].length);
    const kept = line.slice(drop) + (index < lines.length - 1 ? "\n" : "");
    result.text += kept;
    for (let i = 0; i < kept.length; i++) {
      result.starts.push(value.starts[offset + drop + i]!);
      result.ends.push(value.ends[offset + drop + i]!);
    }
    offset += line.length + 1;
  });
  return result;
}

type HclFunction = (args: DocNode[], call: HCLFunctionCall, evaluator: Evaluator, depth: number) => DocNode | undefined;

function known(args: DocNode[]): boolean {
  return args.every((arg) => !isUnknown(arg));
}

function stringArg(arg: DocNode | undefined): string | undefined {
  if (!arg || isUnknown(arg) || arg.type !== "scalar") return undefined;
  return typeof arg.value === "string" ? arg.value : String(arg.value);
}

/** A computed scalar: reported on the call, never edited there. */
function computed(value: string | number | boolean | null, call: HCLFunctionCall): DocNode {
  return new ScalarDoc(value, call, true);
}

/** yamldecode/jsondecode: with positions in the file when the argument is a template written right there. */
function decode(args: DocNode[], call: HCLFunctionCall, evaluator: Evaluator, depth: number): DocNode | undefined {
  const [argument] = call.arguments;
  const text = stringArg(args[0]);
  if (text === undefined || !argument) return undefined;
  if (argument.type === "HCLTemplate") {
    const value = evaluator.sourced(argument, depth);
    if (!("unknown" in value)) {
      const documents = parseSourcedYaml(value, evaluator.file.text, evaluator.file.lines);
      if (documents?.length !== 1) return undefined;
      return new PoolAwareDoc(documents[0]!, (selector) => evaluator.module.placement(selector));
    }
  }
  // Text from elsewhere (a local, a variable): parsed, and reported on the call.
  const plain = parsePlain(text);
  return plain === UNKNOWN ? undefined : embeddedDoc(plain, call);
}

function parsePlain(text: string): unknown {
  try {
    const program = parseYAML(text);
    // Aliases that expand past the budget (an alias bomb) leave the value unknown, never expanded.
    return program.body.length === 1 && !unreadableReason(program.body[0]!) ? getStaticYAMLValue(program) : UNKNOWN;
  } catch {
    return UNKNOWN;
  }
}

/** A map's entries ordered lexically by key, as Terraform's `keys` and `values` list them. */
function sortedEntries(map: DocNode): Array<[string, DocNode]> {
  return [...map.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

function encode(args: DocNode[], call: HCLFunctionCall): DocNode | undefined {
  const plain = args[0] ? plainOf(args[0], 0, "written") : UNKNOWN;
  // JSON text is YAML too, so yamlencode's output reads back the same.
  return plain === UNKNOWN ? undefined : computed(JSON.stringify(plain), call);
}

const FUNCTIONS: Record<string, HclFunction> = {
  // `user_data = base64encode(<<-EOF … EOF)`: the cloud decodes it (cloud-init gunzips base64gzip's)
  // before it runs it, so what the instance runs, which the readers look for, is the argument.
  base64encode: (args) => stringArg(args[0]) === undefined ? undefined : args[0],
  base64gzip: (args) => stringArg(args[0]) === undefined ? undefined : args[0],
  yamldecode: decode,
  jsondecode: decode,
  yamlencode: encode,
  jsonencode: encode,
  merge(args, call) {
    if (!known(args) || args.some((arg) => arg.type !== "map" && arg.type !== "null")) return undefined;
    return new LazyMapDoc(() => args.flatMap((arg) => arg.entries()), call, false);
  },
  lookup(args) {
    const [map, key, fallback] = args;
    const name = stringArg(key);
    if (!map || isUnknown(map) || name === undefined) return undefined;
    return map.get(name) ?? fallback;
  },
  concat(args, call) {
    if (!known(args) || args.some((arg) => arg.type !== "seq")) return undefined;
    return new ListDoc(() => args.flatMap((arg) => arg.items()), call, false);
  },
  coalesce(args) {
    return known(args) ? args.find((arg) => arg.type !== "null" && arg.value !== "") : undefined;
  },
  // Terraform orders a map's keys and values lexically by key.
  keys(args, call) {
    const [map] = args;
    if (!map || map.type !== "map" || isUnknown(map)) return undefined;
    return new ListDoc(() => sortedEntries(map).map(([key]) => computed(key, call)), call, true);
  },
  values(args, call) {
    const [map] = args;
    if (!map || map.type !== "map" || isUnknown(map)) return undefined;
    return new ListDoc(() => sortedEntries(map).map(([, value]) => value), call, false);
  },
  // Empty strings and nulls dropped. An unknown item stays, unknown: a command line's `var.model_id`
  // is then a value set at deploy time rather than a whole argument list lost.
  compact(args, call) {
    const [list] = args;
    if (!list || list.type !== "seq" || isUnknown(list)) return undefined;
    return new ListDoc(() => list.items().filter((item) => isUnknown(item) || (item.type !== "null" && item.value !== "")), call, false);
  },
  flatten(args, call) {
    const [list] = args;
    if (!list || list.type !== "seq" || isUnknown(list)) return undefined;
    const flat = (items: DocNode[]): DocNode[] => items.flatMap((item) => (item.type === "seq" ? flat(item.items()) : [item]));
    return new ListDoc(() => flat(list.items()), call, false);
  },
  tostring(args, call) {
    const text = stringArg(args[0]);
    return text === undefined ? undefined : args[0]!.value === text ? args[0] : computed(text, call);
  },
  tonumber(args, call) {
    const text = stringArg(args[0]);
    const value = text === undefined || text.trim() === "" ? Number.NaN : Number(text);
    return Number.isFinite(value) ? (args[0]!.value === value ? args[0] : computed(value, call)) : undefined;
  },
  tobool(args) {
    return args[0] && typeof args[0].value === "boolean" ? args[0] : undefined;
  },
  tolist: (args) => (args[0]?.type === "seq" ? args[0] : undefined),
  toset: (args) => (args[0]?.type === "seq" ? args[0] : undefined),
  tomap: (args) => (args[0]?.type === "map" ? args[0] : undefined),
  join(args, call) {
    const separator = stringArg(args[0]);
    const parts = args.slice(1).flatMap((arg) => (arg.type === "seq" ? arg.items() : [arg])).map(stringArg);
    return separator === undefined || parts.some((part) => part === undefined) ? undefined : computed(parts.join(separator), call);
  },
  format(args, call) {
    const pattern = stringArg(args[0]);
    const values = args.slice(1).map(stringArg);
    if (pattern === undefined || values.some((value) => value === undefined)) return undefined;
    let index = 0;
    let failed = false;
    const text = pattern.replace(/%(%|s|d|v)/g, (match, verb: string) => {
      if (verb === "%") return "%";
      const value = values[index++];
      if (value === undefined) failed = true;
      return value ?? match;
    });
    return failed || /%[^%sdv]/.test(pattern) ? undefined : computed(text, call);
  },
  lower: (args, call) => (stringArg(args[0]) === undefined ? undefined : computed(stringArg(args[0])!.toLowerCase(), call)),
  upper: (args, call) => (stringArg(args[0]) === undefined ? undefined : computed(stringArg(args[0])!.toUpperCase(), call)),
  trimspace: (args, call) => (stringArg(args[0]) === undefined ? undefined : computed(stringArg(args[0])!.trim(), call)),
  chomp: (args, call) => (stringArg(args[0]) === undefined ? undefined : computed(trimTrailing(stringArg(args[0])!, "\r\n"), call)),
  element(args) {
    const [list, index] = args;
    if (!list || list.type !== "seq" || typeof index?.value !== "number" || isUnknown(index)) return undefined;
    const items = list.items();
    return items.length > 0 ? items[((index.value % items.length) + items.length) % items.length] : undefined;
  },
  length(args, call) {
    const [value] = args;
    if (!value || isUnknown(value)) return undefined;
    if (value.type === "seq") return computed(value.items().length, call);
    if (value.type === "map") return computed(value.entries().length, call);
    return typeof value.value === "string" ? computed([...value.value].length, call) : undefined;
  },
  min: (args, call) => (args.every((arg) => typeof arg.value === "number") && args.length > 0 ? computed(Math.min(...args.map((arg) => arg.value as number)), call) : undefined),
  max: (args, call) => (args.every((arg) => typeof arg.value === "number") && args.length > 0 ? computed(Math.max(...args.map((arg) => arg.value as number)), call) : undefined),
  split(args, call) {
    const separator = stringArg(args[0]);
    const text = stringArg(args[1]);
    if (separator === undefined || text === undefined) return undefined;
    return new ListDoc(() => text.split(separator).map((part) => computed(part, call)), call, true);
  },
  replace(args, call) {
    const [text, search, replacement] = args.map(stringArg);
    // `/regex/` patterns are left unknown: Terraform's RE2 syntax is not JavaScript's.
    if (text === undefined || search === undefined || replacement === undefined || /^\/.*\/$/.test(search)) return undefined;
    return computed(text.split(search).join(replacement), call);
  },
};
