/**
 * Masking Go template actions (src/extract/go-template.ts) keeps every offset of the file: each
 * action becomes marks, a line of nothing but actions and blanks becomes a comment, line breaks and
 * carriage returns stay. Checked against the definition written character by character, on texts
 * built from the pieces charts are made of, and on a chart-like template.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { maskTemplateActions, TEMPLATE_MARK, type MaskedTemplate } from "../../src/extract/go-template.js";

/** The definition: mark every character of an action but line breaks, then turn lines of only marks and blanks into comments. */
function maskedByDefinition(text: string): MaskedTemplate | undefined {
  const ranges: Array<[number, number]> = [];
  for (let from = 0; ; ) {
    const start = text.indexOf("{{", from);
    if (start < 0) break;
    const close = text.indexOf("}}", start + 2);
    const end = close < 0 ? text.length : close + 2;
    ranges.push([start, end]);
    from = end;
  }
  if (ranges.length === 0) return undefined;
  const chars = [...text].map((char) => char);
  const masked = text.split("").map(() => false);
  for (const [start, end] of ranges) {
    for (let i = start; i < end; i++) {
      masked[i] = true;
      if (text[i] !== "\n" && text[i] !== "\r") chars[i] = TEMPLATE_MARK;
    }
  }
  const control = text.split("").map(() => false);
  let lineStart = 0;
  for (const line of text.split("\n")) {
    const offsets = Array.from({ length: line.length }, (_, index) => lineStart + index);
    const first = offsets.find((offset) => masked[offset]);
    if (first !== undefined && offsets.every((offset) => masked[offset] || " \t\r".includes(text[offset]!))) {
      for (const offset of offsets) {
        if (text[offset] === "\r") continue;
        chars[offset] = offset === first ? "#" : " ";
        control[offset] = true;
      }
    }
    lineStart += line.length + 1;
  }
  return { text: chars.join(""), actions: ranges.map(([start, end]) => ({ range: [start, end], block: control.slice(start, end).some(Boolean) })) };
}

describe("maskTemplateActions", () => {
  it("masks as the definition does, offset for offset", () => {
    const piece = fc.constantFrom("{{", "}}", "{{- if .Values.gpu }}", "{{ .Values.model }}", "{{- end }}", "\n", "\r\n", "\r", "\n\n", " ", "\t", "#", "{", "}", "model: ", "- ", "args:", "vllm");
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 40 }), (pieces) => {
        const text = pieces.join("");
        const result = maskTemplateActions(text);
        expect(result).toEqual(maskedByDefinition(text));
        if (result) expect(result.text).toHaveLength(text.length);
      }),
      { numRuns: 5_000 },
    );
  });

  it("reads a chart's control lines as comments and its values as marks", () => {
    const template = `{{- if .Values.servingEngineSpec.enableEngine }}
apiVersion: apps/v1
kind: Deployment
spec:
  template:
    spec:
      containers:
        - name: vllm
          image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"
          args: ["--model", "{{ .Values.model }}"]
          resources:
            limits:
              nvidia.com/gpu: {{ .Values.gpus }}
{{- end }}
`;
    const masked = maskTemplateActions(template)!;
    expect(masked.text.split("\n")[0]).toBe(`#${" ".repeat("{{- if .Values.servingEngineSpec.enableEngine }}".length - 1)}`);
    const marks = (action: string) => TEMPLATE_MARK.repeat(action.length);
    expect(masked.text).toContain(`image: "${marks("{{ .Values.image.repository }}")}:${marks("{{ .Values.image.tag }}")}"`);
    expect(masked.text).toContain(`nvidia.com/gpu: ${marks("{{ .Values.gpus }}")}\n`);
    expect(masked.actions.map((action) => action.block)).toEqual([true, false, false, false, false, true]);
    expect(masked).toEqual(maskedByDefinition(template));
  });
});
