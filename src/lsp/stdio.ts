// The language server on standard input and output (`netc lsp --stdio`).
import { startWorkerEarly } from "./worker-bundle.ts";

export function startStdioServer(): void {
  // The analysis worker loads the checker while this thread loads the server's code, which is
  // therefore imported only now: the first diagnostics come sooner.
  startWorkerEarly();
  serve().catch((error: unknown) => {
    process.stderr.write(`netc lsp: cannot start: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}

async function serve(): Promise<void> {
  const [namespace, { startServer }] = await Promise.all([import("vscode-languageserver/node.js"), import("./server.ts")]);
  // A CommonJS package: the bundle (dist/) gives its module.exports as the default export,
  // tsx as the namespace itself.
  const lsp = (namespace.default as typeof namespace.default | undefined) ?? namespace;
  const { createConnection, StreamMessageReader, StreamMessageWriter } = lsp;
  const connection = createConnection(new StreamMessageReader(process.stdin), new StreamMessageWriter(process.stdout));
  // Anything a dependency prints must not corrupt the protocol stream on stdout.
  console.log = (...args: unknown[]) => connection.console.log(args.map(String).join(" "));
  console.info = console.log;
  const state = startServer(connection);
  // The editor went away (stdin closed) without an `exit` notification: end as `exit` would,
  // 0 after a `shutdown` and 1 without one (the LSP specification's codes). Messages read just
  // before the end are still being handled, so a `shutdown` among them gets a moment to land.
  process.stdin.on("end", () => {
    const started = Date.now();
    const poll = (): void => {
      if (state.shutdownReceived) setTimeout(() => process.exit(0), 20);
      else if (Date.now() - started > CLOSE_GRACE_MS) process.exit(1);
      else setTimeout(poll, 10);
    };
    poll();
  });
}

/** How long a server whose stdin closed waits for a `shutdown` already sent. */
const CLOSE_GRACE_MS = 1000;
