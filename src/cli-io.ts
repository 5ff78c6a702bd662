/** What a `vram` command talks to, so tests can run commands in-process. */
export interface CliIo {
  stdout: { write(text: string): unknown; isTTY?: boolean; columns?: number };
  stderr: { write(text: string): unknown };
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Standard input as text (`vram lint --stdin`). */
  readStdin?(): Promise<string>;
}

/** A mistake in how `vram` was called; its message is printed as is and the exit code is 2. */
export class UsageError extends Error {
  override name = "UsageError";
}
