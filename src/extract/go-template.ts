/**
 * Go template actions (`{{ … }}`: Helm chart templates, also Jinja-style `{{ var }}` in app configs)
 * in a YAML file. A chart's `templates/*.yaml` is not YAML until Helm renders it; to read such a file
 * at all, each action is masked with text of the same length — a YAML comment when the line holds
 * nothing else (`{{- if .Values.gpu }}`), placeholder marks (U+FFFC) where it is part of a value — so
 * positions stay those of the file. A value holding a mark is a template (`deferredReason`), and the
 * masked control lines travel with the AST: a deployment with one inside it is left unjudged (lint
 * the rendered output instead). Linear in the file's length.
 */

/**
 * What an action inside a value becomes: U+FFFC OBJECT REPLACEMENT CHARACTER, printable in YAML
 * (plain and quoted scalars alike) and never written in a deployment file.
 */
export const TEMPLATE_MARK = "\uFFFC";

/** A masked action: its range in the file and whether it filled its line(s) alone (a control line). */
export interface TemplateAction {
  range: [number, number];
  /** The action was alone on its line(s): it may stand for whole blocks (`{{- toYaml .Values.resources | nindent 12 }}`). */
  block: boolean;
}

export interface MaskedTemplate {
  text: string;
  actions: TemplateAction[];
}

/** The actions of `text`, in order; an action without its closing `}}` runs to the end of the file. */
function findActions(text: string): Array<[number, number]> {
  const actions: Array<[number, number]> = [];
  let from = 0;
  for (;;) {
    const start = text.indexOf("{{", from);
    if (start < 0) return actions;
    const close = text.indexOf("}}", start + 2);
    const end = close < 0 ? text.length : close + 2;
    actions.push([start, end]);
    from = end;
  }
}

/** Whether `text` holds Go template actions at all (cheap check before masking). */
export function hasTemplateActions(text: string): boolean {
  const start = text.indexOf("{{");
  return start >= 0 && text.indexOf("}}", start + 2) >= 0;
}

/**
 * The text with every action masked, or undefined when it has none. Lines that hold only actions
 * and blanks become comments (`#` then spaces); other actions become marks, which YAML reads as part
 * of a plain or quoted scalar. Only the lines an action touches are rebuilt: a chart's values file
 * is long and holds few actions.
 */
export function maskTemplateActions(text: string): MaskedTemplate | undefined {
  // The same text is masked by the parser, by extraction and by the template-word reader, in turn.
  if (lastMasked?.text === text) return lastMasked.result;
  const result = maskAll(text);
  lastMasked = { text, result };
  return result;
}

/** The last text masked and its result (shared: readers never change it). */
let lastMasked: { text: string; result: MaskedTemplate | undefined } | undefined;

function maskAll(text: string): MaskedTemplate | undefined {
  const ranges = findActions(text);
  if (ranges.length === 0) return undefined;
  const actions: TemplateAction[] = ranges.map((range) => ({ range, block: false }));
  let result = "";
  let copied = 0;
  for (let first = 0; first < actions.length; ) {
    // The lines the action touches, with every later action that starts on them.
    const lineStart = text.lastIndexOf("\n", actions[first]!.range[0] - 1) + 1;
    let last = first;
    let lineEnd = lineEndAfter(text, actions[first]!.range[1]);
    while (last + 1 < actions.length && actions[last + 1]!.range[0] < lineEnd) lineEnd = lineEndAfter(text, actions[++last]!.range[1]);
    result += text.slice(copied, lineStart);
    for (let from = lineStart; from <= lineEnd; ) {
      const newline = text.indexOf("\n", from);
      const to = newline < 0 || newline > lineEnd ? lineEnd : newline;
      result += maskLine(text, from, to, actions, first, last);
      if (to < lineEnd) result += "\n";
      from = to + 1;
    }
    copied = lineEnd;
    first = last + 1;
  }
  return { text: result + text.slice(copied), actions };
}

/** The end (the offset of its line break, or of the text) of the line holding the last character before `end`. */
function lineEndAfter(text: string, end: number): number {
  const lineEnd = text.indexOf("\n", Math.max(0, end - 1));
  return lineEnd < 0 ? text.length : lineEnd;
}

const BLANKS = /^[ \t\r]*$/;
const NOT_CR = /[^\r]/;

/**
 * Line `[from, to)` of `text` with the parts `actions[first..last]` cover masked (carriage returns
 * kept): a comment line when nothing else but blanks is on it — then each action on it is a block.
 */
function maskLine(text: string, from: number, to: number, actions: TemplateAction[], first: number, last: number): string {
  let masked = "";
  let onlyBlanks = true;
  let firstMasked = -1;
  let at = from;
  for (let index = first; index <= last; index++) {
    const [start, end] = actions[index]!.range;
    if (end <= from || start >= to) continue;
    const maskFrom = Math.max(start, from);
    const maskTo = Math.min(end, to);
    if (maskFrom >= maskTo) continue;
    const before = text.slice(at, maskFrom);
    if (onlyBlanks && !BLANKS.test(before)) onlyBlanks = false;
    const cover = text.slice(maskFrom, maskTo);
    if (firstMasked < 0) firstMasked = maskFrom;
    masked += before + cover.replace(/[^\r]/g, TEMPLATE_MARK);
    at = maskTo;
  }
  const after = text.slice(at, to);
  if (firstMasked < 0) return text.slice(from, to);
  if (!onlyBlanks || !BLANKS.test(after)) return masked + after;
  // A control line: `#` where the first action starts, blanks for the rest.
  for (let index = first; index <= last; index++) {
    const action = actions[index]!;
    const [start, end] = action.range;
    if (end > from && start < to && NOT_CR.test(text.slice(Math.max(start, from), Math.min(end, to)))) action.block = true;
  }
  const line = text.slice(from, to).replace(/[^\r]/g, " ");
  const hash = firstMasked - from;
  return text[firstMasked] === "\r" ? line : line.slice(0, hash) + "#" + line.slice(hash + 1);
}

/** The Program node's property that carries the masked actions from the parser to extraction. */
export const TEMPLATE_ACTIONS_KEY = "vramTemplateActions";

/** The Program node's property that says the template did not parse even masked (read as a blank document). */
export const TEMPLATE_UNPARSED_KEY = "vramTemplateUnparsed";

/** Whether the file is a template that is YAML only once rendered: what it holds was not read. */
export function isUnparsedTemplate(ast: object): boolean {
  return (ast as Record<string, unknown>)[TEMPLATE_UNPARSED_KEY] === true;
}

/**
 * The words of a template that did not parse, for the engine registry's recognisers: each line's
 * `image:` and the words of its list items and values (`- "vllm"`, `- "serve"`), in order, with
 * their offsets; comments and masked actions left out. Linear in the file's length.
 */
export function templateWords(text: string): { images: Array<{ image: string; offset: number }>; words: Array<{ text: string; offset: number }> } {
  const masked = maskTemplateActions(text)?.text ?? text;
  const images: Array<{ image: string; offset: number }> = [];
  const words: Array<{ text: string; offset: number }> = [];
  let offset = 0;
  for (const line of masked.split("\n")) {
    const start = offset;
    offset += line.length + 1;
    const trimmed = line.trimStart();
    if (trimmed.startsWith("#")) continue;
    const image = /^(?:-\s+)?image:\s*["']?([^"'\s#]+)/.exec(trimmed)?.[1];
    if (image && !image.includes(TEMPLATE_MARK)) images.push({ image, offset: start + line.indexOf(image) });
    const value = trimmed.replace(/^-\s+/, "").replace(/^[\w.-]+:\s*/, "");
    let from = 0;
    for (const word of value.split(/[\s"'[\],]+/)) {
      if (word === "" || word.includes(TEMPLATE_MARK)) continue;
      const at = line.indexOf(word, from);
      from = at + word.length;
      words.push({ text: word, offset: start + Math.max(0, at) });
    }
  }
  return { images, words };
}

export function templateActionsOf(ast: object): readonly TemplateAction[] {
  const actions = (ast as Record<string, unknown>)[TEMPLATE_ACTIONS_KEY];
  return Array.isArray(actions) ? (actions as TemplateAction[]) : [];
}

/** A written value with its masked actions shown as `{{…}}`, for messages. */
export function unmasked(raw: string): string {
  return raw.includes(TEMPLATE_MARK) ? raw.replace(/\uFFFC+/g, "{{…}}") : raw;
}

/** Every character replaced by a space except line breaks: an empty YAML document with the file's lines. */
export function blankText(text: string): string {
  return text.replace(/[^\r\n]/g, " ");
}

/**
 * Parses YAML that may hold template actions: masked first when it has any; when even the masked
 * text does not parse, as a blank document (a template only rendering can make YAML of). The AST of
 * a masked parse carries the actions (`templateActionsOf`). `parse` returns its result whatever it
 * is; `astOf` says which results succeeded.
 */
export function parseMaskingTemplates<R>(text: string, parse: (text: string) => R, astOf: (result: R) => object | undefined): R {
  const masked = maskTemplateActions(text);
  if (!masked) return parse(text);
  let result = parse(masked.text);
  let unparsed = false;
  if (!astOf(result)) {
    result = parse(blankText(text));
    unparsed = true;
  }
  const ast = astOf(result);
  if (ast) Object.defineProperty(ast, TEMPLATE_ACTIONS_KEY, { value: masked.actions, enumerable: false });
  if (ast && unparsed) Object.defineProperty(ast, TEMPLATE_UNPARSED_KEY, { value: true, enumerable: false });
  return result;
}
