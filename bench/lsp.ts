// Language-server latency on a 1,000-line model, end to end as an editor sees it: the real
// `netc lsp --stdio` (bin/netc.js) over stdio JSON-RPC, from sending didChange to receiving
// the publishDiagnostics of that version; and hover/completion round trips.
// Run alone with `npx tsx bench/lsp.ts`, or call benchLsp() from the bench harness.
import { setTimeout as sleep } from "node:timers/promises";
import { pathToFileURL } from "node:url";
import { initialize, LspClient } from "../test/lsp/lsp-client.ts";

/** Issue #5: new diagnostics within this long of an edit. */
export const DIAGNOSTICS_TARGET_MS = 50;
/** Untimed edits first, so the server's and the worker's code is optimized (warm). */
const WARMUP_EDITS = 10;
/** Pause between timed edits: someone typing ten keys a second. */
const TYPING_GAP_MS = 100;

export interface LspBenchResult {
  readonly lines: number;
  /** didChange → publishDiagnostics of that version. */
  readonly diagnosticsMs: Spread;
  /** 10 requests each, after the last edit. */
  readonly hoverMs: Spread;
  readonly completionMs: Spread;
}

export interface Spread {
  readonly runs: number;
  readonly median: number;
  readonly p90: number;
  readonly min: number;
  readonly max: number;
}

/** A 1,000-line VGG-like model: stages of same-padded conv / batchnorm / relu and a pool. */
export function thousandLineModel(): string {
  const lines = ["model Big(width = 16) {", "  input image: [224, 224, 3]"];
  let stage = 0;
  while (lines.length < 996) {
    for (let i = 0; i < 20; i++)
      lines.push(`  conv(width * ${1 + (stage % 4)}, 3x3, pad = same, bias = false)`, "  batchnorm", "  relu");
    lines.push(stage < 5 ? "  maxpool(2x2)" : "  dropout(0.1)");
    stage++;
  }
  lines.length = 996;
  lines.push("  globalavgpool", "  dense(10)", "  softmax", "}", "");
  return lines.join("\n");
}

/** The median against the target, e.g. "median 31.2 ms ≤ 50 ms target: met". */
export function verdict(r: LspBenchResult): string {
  const met = r.diagnosticsMs.median <= DIAGNOSTICS_TARGET_MS;
  return `median ${r.diagnosticsMs.median.toFixed(1)} ms ${met ? "≤" : ">"} ${DIAGNOSTICS_TARGET_MS} ms target: ${met ? "met" : "NOT met"}`;
}

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;

function spread(times: number[]): Spread {
  const sorted = [...times].sort((a, b) => a - b);
  return {
    runs: sorted.length,
    median: quantile(sorted, 0.5),
    p90: quantile(sorted, 0.9),
    min: sorted[0]!,
    max: sorted[sorted.length - 1]!,
  };
}

export async function benchLsp(iterations = 30): Promise<LspBenchResult> {
  const client = LspClient.start();
  try {
    await initialize(client);
    const uri = "file:///bench/big.net";
    const text = thousandLineModel();
    let version = 1;
    client.notify("textDocument/didOpen", { textDocument: { uri, languageId: "netc", version, text } });
    await client.waitFor("textDocument/publishDiagnostics", (p) => p.uri === uri && p.version === version, 60_000);

    const times: number[] = [];
    for (let i = 0; i < WARMUP_EDITS + iterations; i++) {
      await sleep(TYPING_GAP_MS);
      version++;
      // Toggle the width of the first conv: every later shape and count is recomputed.
      const edit = {
        range: { start: { line: 2, character: 15 }, end: { line: 2, character: 16 } },
        text: i % 2 ? "1" : "2",
      };
      const start = performance.now();
      client.notify("textDocument/didChange", { textDocument: { uri, version }, contentChanges: [edit] });
      await client.waitFor("textDocument/publishDiagnostics", (p) => p.uri === uri && p.version === version, 60_000);
      if (i >= WARMUP_EDITS) times.push(performance.now() - start);
    }

    const roundTrip = async (method: string, position: { line: number; character: number }) => {
      const rounds: number[] = [];
      for (let i = 0; i < 10; i++) {
        const start = performance.now();
        await client.request(method, { textDocument: { uri }, position });
        rounds.push(performance.now() - start);
      }
      return spread(rounds);
    };
    const hoverMs = await roundTrip("textDocument/hover", { line: 500, character: 4 });
    const completionMs = await roundTrip("textDocument/completion", { line: 500, character: 2 });
    await client.stop();
    return {
      lines: text.split("\n").length - 1,
      diagnosticsMs: spread(times),
      hoverMs,
      completionMs,
    };
  } finally {
    if (client.alive) client.kill();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const r = await benchLsp();
  const ms = (n: number) => `${n.toFixed(1)} ms`;
  console.log(`lsp: ${r.lines}-line file, ${r.diagnosticsMs.runs} timed edits`);
  console.log(`  didChange → diagnostics  median ${ms(r.diagnosticsMs.median)}, p90 ${ms(r.diagnosticsMs.p90)}`);
  console.log(`  ${verdict(r)}`);
  console.log(`  hover ${ms(r.hoverMs.median)}, completion ${ms(r.completionMs.median)} (medians)`);
}
