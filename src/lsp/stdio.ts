// The language server on standard input and output (`netc lsp --stdio`).
import { createConnection, StreamMessageReader, StreamMessageWriter } from "vscode-languageserver/node.js";
import { startServer } from "./server.ts";

export function startStdioServer(): void {
  const connection = createConnection(new StreamMessageReader(process.stdin), new StreamMessageWriter(process.stdout));
  // Anything a dependency prints must not corrupt the protocol stream on stdout.
  console.log = (...args: unknown[]) => connection.console.log(args.map(String).join(" "));
  console.info = console.log;
  startServer(connection);
}
