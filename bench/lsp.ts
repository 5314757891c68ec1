// Language-server latency on a 1,000-line model: from didChange to the diagnostics of that
// version (which includes the 150 ms typing debounce), and hover/completion round trips.
// Run alone with `npx tsx bench/lsp.ts`, or call benchLsp() from the bench harness.
import { pathToFileURL } from "node:url";
import { DIAGNOSTICS_DELAY_MS } from "../src/lsp/server.ts";
import { initialize, LspClient } from "../test/lsp/lsp-client.ts";

export interface LspBenchResult {
  readonly lines: number;
  /** didChange → publishDiagnostics of that version, including the debounce. */
  readonly diagnosticsMs: { readonly median: number; readonly p90: number };
  /** The same minus the debounce delay: the server's own work plus transport. */
  readonly diagnosticsWorkMs: number;
  readonly hoverMs: number;
  readonly completionMs: number;
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

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;

export async function benchLsp(iterations = 20): Promise<LspBenchResult> {
  const client = LspClient.start();
  try {
    await initialize(client);
    const uri = "file:///bench/big.net";
    const text = thousandLineModel();
    let version = 1;
    client.notify("textDocument/didOpen", { textDocument: { uri, languageId: "netc", version, text } });
    await client.waitFor("textDocument/publishDiagnostics", (p) => p.uri === uri && p.version === version, 60_000);

    const times: number[] = [];
    for (let i = 0; i < iterations; i++) {
      version++;
      // Toggle the width of the first conv: every later shape and count is recomputed.
      const edit = {
        range: { start: { line: 2, character: 15 }, end: { line: 2, character: 16 } },
        text: i % 2 ? "1" : "2",
      };
      const start = performance.now();
      client.notify("textDocument/didChange", { textDocument: { uri, version }, contentChanges: [edit] });
      await client.waitFor("textDocument/publishDiagnostics", (p) => p.uri === uri && p.version === version, 60_000);
      times.push(performance.now() - start);
    }
    times.sort((a, b) => a - b);

    const position = { line: 500, character: 4 };
    let start = performance.now();
    await client.request("textDocument/hover", { textDocument: { uri }, position });
    const hoverMs = performance.now() - start;
    start = performance.now();
    await client.request("textDocument/completion", { textDocument: { uri }, position: { line: 500, character: 2 } });
    const completionMs = performance.now() - start;
    await client.stop();
    const median = quantile(times, 0.5);
    return {
      lines: text.split("\n").length - 1,
      diagnosticsMs: { median, p90: quantile(times, 0.9) },
      diagnosticsWorkMs: median - DIAGNOSTICS_DELAY_MS,
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
  console.log(`lsp: ${r.lines}-line file`);
  console.log(
    `  didChange → diagnostics  median ${ms(r.diagnosticsMs.median)}, p90 ${ms(r.diagnosticsMs.p90)} (includes the ${DIAGNOSTICS_DELAY_MS} ms debounce; work ${ms(r.diagnosticsWorkMs)})`,
  );
  console.log(`  hover ${ms(r.hoverMs)}, completion ${ms(r.completionMs)}`);
}
