// Start-up (issue #14): how long a user waits for `netc --help`, for `netc summary` of LeNet-5,
// and for an editor's first diagnostics (spawning `netc lsp --stdio`, initialize, didOpen →
// publishDiagnostics), each a fresh process of bin/netc.js as installed — the built dist/.
// Medians of several runs; `node -e 0` is measured alongside as the floor of any Node process.
import { spawn, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { BenchCase, Measurement, Timing } from "../harness.ts";

/** Issue #14's targets, in milliseconds. */
export const STARTUP_TARGETS_MS = { help: 200, summary: 350, lsp: 400 } as const;

const repoRoot = fileURLToPath(new URL("../../", import.meta.url));
const lenet = join(repoRoot, "examples/lenet5.net");

function timing(samples: number[]): Timing {
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const medianMs = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { medianMs, minMs: sorted[0]!, maxMs: sorted.at(-1)!, runs: sorted.length };
}

/** Wall time of a whole process, spawn to exit. */
function processMs(args: string[]): number {
  const start = performance.now();
  const run = spawnSync(process.execPath, args, { cwd: repoRoot, encoding: "utf8", env: childEnv() });
  const ms = performance.now() - start;
  if (run.status !== 0) throw new Error(`node ${args.join(" ")} exited ${run.status}: ${run.stderr}`);
  return ms;
}

/** Spawn → the first publishDiagnostics of LeNet-5, sending at once what an editor sends on
 * opening a file: initialize, initialized, didOpen. */
function lspFirstDiagnosticsMs(netc: string): Promise<number> {
  const uri = pathToFileURL(lenet).href;
  const start = performance.now();
  const server = spawn(process.execPath, [netc, "lsp", "--stdio"], { cwd: repoRoot, env: childEnv(), stdio: "pipe" });
  const send = (message: object) => {
    const body = Buffer.from(JSON.stringify({ jsonrpc: "2.0", ...message }));
    server.stdin.write(`Content-Length: ${body.length}\r\n\r\n`);
    server.stdin.write(body);
  };
  return new Promise((resolve, reject) => {
    let received = "";
    server.on("exit", (code) => reject(new Error(`netc lsp exited ${code} before publishing diagnostics`)));
    server.stdout.on("data", (chunk: Buffer) => {
      received += chunk.toString();
      if (!received.includes('"textDocument/publishDiagnostics"')) return;
      const ms = performance.now() - start;
      server.removeAllListeners("exit");
      server.kill();
      resolve(ms);
    });
    send({ id: 1, method: "initialize", params: { processId: process.pid, rootUri: null, capabilities: {} } });
    send({ method: "initialized", params: {} });
    send({ method: "textDocument/didOpen", params: { textDocument: { uri, languageId: "netc", version: 1, text: readFileSync(lenet, "utf8") } } });
  });
}

/** The built CLI, as users run it (vitest sets NETC_FROM_SOURCE for its own children). */
function childEnv(): NodeJS.ProcessEnv {
  const { NETC_FROM_SOURCE: _, ...env } = process.env;
  return env;
}

export interface StartupResult {
  readonly node: Timing;
  readonly help: Timing;
  readonly summary: Timing;
  readonly lsp: Timing;
}

/** `netc` is bin/netc.js of this checkout, or of another one to compare with. */
export async function benchStartup(runs: number, netc = join(repoRoot, "bin/netc.js")): Promise<StartupResult> {
  const node: number[] = [];
  const help: number[] = [];
  const summary: number[] = [];
  const lsp: number[] = [];
  // One untimed round: the first run pays for reading the files from disk.
  processMs([netc, "--help"]);
  processMs([netc, "summary", lenet]);
  // Interleaved, so a burst of load on the shared machine hits every measurement alike.
  for (let i = 0; i < runs; i++) {
    node.push(processMs(["-e", "0"]));
    help.push(processMs([netc, "--help"]));
    summary.push(processMs([netc, "summary", lenet]));
    lsp.push(await lspFirstDiagnosticsMs(netc));
  }
  return { node: timing(node), help: timing(help), summary: timing(summary), lsp: timing(lsp) };
}

const verdict = (t: Timing, targetMs: number) =>
  `median ${t.medianMs.toFixed(0)} ms ≤ ${targetMs} ms target: ${t.medianMs <= targetMs ? "met" : "NOT met"}`;

export const startupCase: BenchCase = {
  name: "startup",
  async run(ctx) {
    const r = await benchStartup(ctx.quick ? 5 : 15);
    const rows: [string, Timing, number | undefined][] = [
      ["node -e 0 (floor)", r.node, undefined],
      ["netc --help", r.help, STARTUP_TARGETS_MS.help],
      ["netc summary examples/lenet5.net", r.summary, STARTUP_TARGETS_MS.summary],
      ["netc lsp: spawn → initialize → first diagnostics", r.lsp, STARTUP_TARGETS_MS.lsp],
    ];
    const measurements: Measurement[] = rows.map(([implementation, t, target]) => {
      if (target !== undefined) ctx.log(`  ${implementation}: ${verdict(t, target)}`);
      return { implementation, threads: 1, timing: t, ...(target !== undefined ? { note: `target ≤ ${target} ms` } : {}) };
    });
    return [{ name: "startup", description: "fresh processes of bin/netc.js (wall time, spawn to exit or to the first diagnostics)", measurements }];
  },
};
