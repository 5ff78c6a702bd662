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
 * of a plain or quoted scalar.
 */
export function maskTemplateActions(text: string): MaskedTemplate | undefined {
  const ranges = findActions(text);
  if (ranges.length === 0) return undefined;
  const chars = text.split("");
  const masked = new Uint8Array(text.length);
  for (const [start, end] of ranges) {
    for (let i = start; i < end; i++) {
      if (chars[i] !== "\n" && chars[i] !== "\r") chars[i] = TEMPLATE_MARK;
      masked[i] = 1;
    }
  }
  // Lines whose every non-blank character was masked become comment lines.
  const controlLine = new Uint8Array(text.length);
  let lineStart = 0;
  for (let i = 0; i <= text.length; i++) {
    if (i < text.length && text[i] !== "\n") continue;
    let anyMasked = false;
    let onlyMaskedOrBlank = true;
    let first = -1;
    for (let j = lineStart; j < i; j++) {
      if (masked[j]) {
        anyMasked = true;
        if (first < 0) first = j;
      } else if (text[j] !== " " && text[j] !== "\t" && text[j] !== "\r") {
        onlyMaskedOrBlank = false;
      }
    }
    if (anyMasked && onlyMaskedOrBlank) {
      for (let j = lineStart; j < i; j++) {
        if (text[j] === "\r") continue;
        chars[j] = j === first ? "#" : " ";
        controlLine[j] = 1;
      }
    }
    lineStart = i + 1;
  }
  const actions = ranges.map(([start, end]): TemplateAction => {
    let block = false;
    for (let i = start; i < end && !block; i++) if (controlLine[i]) block = true;
    return { range: [start, end], block };
  });
  return { text: chars.join(""), actions };
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
