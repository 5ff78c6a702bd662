/** Runs the `vram` CLI in-process with captured output (no TTY, no colour unless asked). */
import { main } from "../../src/cli.js";

export interface CliRunOptions {
  /** Standard input, for `vram lint --stdin`. */
  stdin?: string;
  /** Run as on a terminal this many columns wide. */
  terminalColumns?: number;
  env?: NodeJS.ProcessEnv;
}

export async function runCli(argv: string[], cwd = process.cwd(), options: CliRunOptions = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const terminal = options.terminalColumns !== undefined ? { isTTY: true, columns: options.terminalColumns } : { isTTY: false };
  const code = await main(argv, {
    stdout: { write: (text: string) => (stdout += text), ...terminal },
    stderr: { write: (text: string) => (stderr += text) },
    env: options.env ?? {},
    cwd,
    ...(options.stdin !== undefined ? { readStdin: async () => options.stdin! } : {}),
  });
  return { code, stdout, stderr };
}
