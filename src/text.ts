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
