/**
 * String helpers for text that comes from a user's file, each one pass over the input: the regular
 * expressions they replace (`/\/+$/`, `/\[[^\]]*\]$/`, `/\S.*$/`) rescan from every start position,
 * which is quadratic on a long run of the repeated character. Every other pattern over file text is
 * checked for super-linear backtracking and moves by the project's lint (eslint-plugin-regexp).
 */

/** `text` without the run of `chars` it ends with (`org/model///` → `org/model`; `"\r\n"` strips either). */
export function trimTrailing(text: string, chars: string): string {
  let end = text.length;
  while (end > 0 && chars.includes(text[end - 1]!)) end--;
  return text.slice(0, end);
}

/** `aws_instance.gpu[0]` → `aws_instance.gpu`: one trailing `[…]` index removed. */
export function withoutTrailingIndex(address: string): string {
  if (!address.endsWith("]")) return address;
  const open = address.lastIndexOf("[");
  return open >= 0 && !address.slice(open + 1, -1).includes("]") ? address.slice(0, open) : address;
}

/** The leading blanks of a line (its indentation). */
export function leadingBlanks(line: string): string {
  return line.slice(0, line.length - line.trimStart().length);
}

/** Control and bidirectional-override characters (a terminal or an editor would act on them). */
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
const UNPRINTABLE_ALL = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * Text from a linted file as it may appear in a message: at most `max` characters (a megabyte
 * name is cut, with "…"), control and bidirectional-override characters escaped (`\u001b`), so a
 * finding never carries terminal escape sequences or hidden text into an editor or a CI log.
 */
export function printable(text: string, max = 80): string {
  // Most text is short and plain: returned as it is, without splitting it into code points.
  if (text.length <= max && !UNPRINTABLE.test(text)) return text;
  const chars = Array.from(text.length > max * 4 ? text.slice(0, max * 4) : text);
  const cut = chars.length > max ? `${chars.slice(0, max - 1).join("")}…` : chars.join("");
  return cut.replace(UNPRINTABLE_ALL, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** `--max-model-len auto` or `-1`: the largest context that fits (vllm-project/vllm#29431), as files and the CLI write it. */
export function isAutoContext(raw: string): boolean {
  return /^\s*(?:auto|-1)\s*$/i.test(raw);
}

/** Offsets at which the lines of `text` start (the first is 0), for `positionAt`. */
export function lineStartsOf(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
}

/** 1-based line and 0-based column (the parsers' convention) of an offset, given the text's `lineStartsOf`. */
export function positionAt(starts: readonly number[], offset: number): { line: number; column: number } {
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if (starts[middle]! <= offset) low = middle;
    else high = middle - 1;
  }
  return { line: low + 1, column: offset - starts[low]! };
}
