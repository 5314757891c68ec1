// Front-end speed: parse + check (shapes, params, MACs, lints) of every example model, and the
// language server's latency on a 1,000-line model (bench/lsp.ts).
import { readdirSync, readFileSync } from "node:fs";
import { check } from "../../src/check/index.ts";
import { parse } from "../../src/syntax/parse.ts";
import { measure, type BenchCase, type Measurement } from "../harness.ts";
import { benchLsp, DIAGNOSTICS_TARGET_MS, verdict, type Spread } from "../lsp.ts";
import { EXAMPLES_DIR } from "../models.ts";

export const parseCheckCase: BenchCase = {
  name: "parse-check",
  async run(ctx) {
    const files = readdirSync(EXAMPLES_DIR).filter((f) => f.endsWith(".net")).sort();
    const measurements: Measurement[] = [];
    for (const file of files) {
      const text = readFileSync(new URL(file, EXAMPLES_DIR), "utf8");
      let nodes = 0;
      const timing = await measure(
        () => {
          const result = check(parse(text).program);
          nodes = [...result.graphs.values()].reduce((n, g) => n + g.nodes.length, 0);
        },
        { warmup: 3, minRuns: 10, minTimeMs: ctx.quick ? 100 : 500 },
      );
      ctx.log(`  ${file}: ${timing.medianMs.toFixed(2)} ms`);
      const lines = text.split("\n").length;
      measurements.push({ implementation: file, threads: 1, timing, note: `${lines} lines → ${nodes} nodes` });
    }
    return [{ name: "parse-check", description: "parse + check of each example (all its models)", measurements }];
  },
};

export const lspCase: BenchCase = {
  name: "lsp",
  async run(ctx) {
    const r = await benchLsp(ctx.quick ? 10 : 30);
    ctx.log(`  didChange → diagnostics ${verdict(r)} (p90 ${r.diagnosticsMs.p90.toFixed(1)} ms, ${r.diagnosticsMs.runs} edits)`);
    const timing = (s: Spread) => ({ medianMs: s.median, minMs: s.min, maxMs: s.max, runs: s.runs });
    const measurements: Measurement[] = [
      {
        implementation: "didChange → diagnostics",
        threads: 1,
        timing: timing(r.diagnosticsMs),
        note: `p90 ${r.diagnosticsMs.p90.toFixed(1)} ms; target ≤ ${DIAGNOSTICS_TARGET_MS} ms`,
      },
      { implementation: "hover", threads: 1, timing: timing(r.hoverMs) },
      { implementation: "completion", threads: 1, timing: timing(r.completionMs) },
    ];
    return [{ name: "lsp", description: `language server on a ${r.lines}-line model`, measurements }];
  },
};
