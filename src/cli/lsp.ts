// `netc lsp --stdio`: the language server for editors (see docs/editors.md).
import type { Command } from "commander";
import { startStdioServer } from "../lsp/stdio.ts";

/** Serves the language server protocol on stdin/stdout until the editor sends `exit` (or
 * closes stdin); the process then exits with 0 after a `shutdown`, 1 without one. */
export function runLsp(): void {
  startStdioServer();
}

export function registerLsp(program: Command): void {
  program
    .command("lsp")
    .description("run the language server for editors (see docs/editors.md)")
    .option("--stdio", "talk over standard input and output (the only transport)")
    .action(() => {
      runLsp();
      // Never settles: the server owns the process from here and ends it on `exit`, so
      // main() must not reach its process.exit.
      return new Promise<never>(() => {});
    });
}
