/** A compact vLLM Deployment for rule tests: args as a flow list, one node selector, a GPU limit. */
export function deployment(args: string, options: { gpus?: number | string; selector?: string; label?: string; annotations?: string; image?: string } = {}): string {
  const annotations = options.annotations ? `  annotations:\n${options.annotations}` : "";
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: svc
${annotations}spec:
  template:
    spec:
      nodeSelector:
        ${options.label ?? "cloud.google.com/gke-accelerator"}: ${options.selector ?? "nvidia-l4"}
      containers:
        - name: vllm
          image: ${options.image ?? "vllm/vllm-openai:v0.11.0"}
          args: [${args}]
          resources:
            limits:
              nvidia.com/gpu: ${options.gpus ?? 1}
`;
}

/**
 * The ESLint location of `target` inside the first occurrence of `context` in `code` (1-based line
 * and column, end exclusive), for asserting exactly which text a finding underlines.
 */
export function spanOf(code: string, context: string, target = context): { line: number; column: number; endLine: number; endColumn: number } {
  const outer = code.indexOf(context);
  if (outer < 0) throw new Error(`"${context}" is not in the code`);
  const inner = code.indexOf(target, outer);
  if (inner < 0 || inner >= outer + context.length) throw new Error(`"${target}" is not inside "${context}"`);
  const position = (offset: number) => {
    const before = code.slice(0, offset);
    const line = before.split("\n").length;
    return { line, column: offset - before.lastIndexOf("\n") };
  };
  const start = position(inner);
  const end = position(inner + target.length);
  return { line: start.line, column: start.column, endLine: end.line, endColumn: end.column };
}
