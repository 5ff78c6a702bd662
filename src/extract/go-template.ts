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
  const ranges = findActions(text);
  if (ranges.length === 0) return undefined;
  const actions: TemplateAction[] = [];
  let result = "";
  let copied = 0;
  for (let first = 0; first < ranges.length; ) {
    // The lines the action touches, with every later action that starts on them.
    const lineStart = text.lastIndexOf("\n", ranges[first]![0] - 1) + 1;
    let last = first;
    let lineEnd = lineEndAfter(text, ranges[first]![1]);
    while (last + 1 < ranges.length && ranges[last + 1]![0] < lineEnd) lineEnd = lineEndAfter(text, ranges[++last]![1]);
    result += text.slice(copied, lineStart) + maskLines(text, lineStart, lineEnd, ranges.slice(first, last + 1), actions);
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

/** Lines `[lineStart, lineEnd)` of `text` with `ranges` (the actions on them) masked; their actions are added to `actions`. */
function maskLines(text: string, lineStart: number, lineEnd: number, ranges: ReadonlyArray<[number, number]>, actions: TemplateAction[]): string {
  const chars = text.slice(lineStart, lineEnd).split("");
  const masked = new Uint8Array(chars.length);
  for (const [start, end] of ranges) {
    // An action without its `}}` runs to the end of the text, past these lines' break.
    for (let i = start - lineStart; i < Math.min(end - lineStart, chars.length); i++) {
      if (chars[i] !== "\n" && chars[i] !== "\r") chars[i] = TEMPLATE_MARK;
      masked[i] = 1;
    }
  }
  // Lines whose every non-blank character was masked become comment lines.
  const controlLine = new Uint8Array(chars.length);
  let from = 0;
  for (let i = 0; i <= chars.length; i++) {
    if (i < chars.length && text[lineStart + i] !== "\n") continue;
    let anyMasked = false;
    let onlyMaskedOrBlank = true;
    let firstMasked = -1;
    for (let j = from; j < i; j++) {
      const char = text[lineStart + j];
      if (masked[j]) {
        anyMasked = true;
        if (firstMasked < 0) firstMasked = j;
      } else if (char !== " " && char !== "\t" && char !== "\r") {
        onlyMaskedOrBlank = false;
      }
    }
    if (anyMasked && onlyMaskedOrBlank) {
      for (let j = from; j < i; j++) {
        if (text[lineStart + j] === "\r") continue;
        chars[j] = j === firstMasked ? "#" : " ";
        controlLine[j] = 1;
      }
    }
    from = i + 1;
  }
  for (const [start, end] of ranges) {
    let block = false;
    for (let i = start - lineStart; i < end - lineStart && !block; i++) if (controlLine[i]) block = true;
    actions.push({ range: [start, end], block });
  }
  return chars.join("");
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
