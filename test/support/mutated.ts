/**
 * Texts for "never throws, never hangs" property tests: one of `texts` with up to four random
 * edits, each removing a few characters and inserting a string of `units` (the syntax that breaks a
 * parser: brackets, quotes, heredoc markers…), or any string at all.
 */
import fc from "fast-check";

export function mutatedTexts(texts: readonly string[], units: readonly string[], maxRemoved = 40): fc.Arbitrary<string> {
  const mutated = fc
    .tuple(fc.constantFrom(...texts), fc.array(fc.tuple(fc.nat(), fc.nat({ max: maxRemoved }), fc.string({ unit: fc.constantFrom(...units) })), { maxLength: 4 }))
    .map(([text, edits]) => {
      let result = text;
      for (const [at, remove, insert] of edits) {
        const start = at % (result.length + 1);
        result = result.slice(0, start) + insert + result.slice(start + remove);
      }
      return result;
    });
  return fc.oneof(mutated, fc.string({ maxLength: 300 }));
}
