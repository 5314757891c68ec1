// The analysis worker runs from an esbuild bundle without tsx's keepNames, and hands over the
// diagnostics before the whole analysis.
import { Worker } from "node:worker_threads";
import { afterAll, describe, expect, it } from "vitest";
import type { Diagnostic } from "../../src/diagnostics/diagnostic.ts";
import { allDiagnostics, analyze, type AnalysisParts } from "../../src/lsp/analysis.ts";
import type { AnalysisReply, AnalysisRequest } from "../../src/lsp/analysis-worker.ts";
import { Analyzer } from "../../src/lsp/analyzer.ts";
import { analysisWorkerCode } from "../../src/lsp/worker-bundle.ts";

const text = "model M {\n  input x: [8, 8, 3]\n  conv(4, 3x3)\n  dense(10)\n}\n";
const logged: string[] = [];
const analyzer = new Analyzer((message) => logged.push(message));
afterAll(() => analyzer.dispose());

describe("the analysis worker", () => {
  it("is bundled once from the sources, as a script with none of keepNames's wrappers", async () => {
    const source = await analysisWorkerCode();
    expect(await analysisWorkerCode()).toBe(source);
    if (typeof source !== "string") throw new Error(`from the sources the worker is bundled in memory, got ${source.href}`);
    expect(source).toContain("performSelfAnalysis");
    expect(source).not.toMatch(/\b__name\(/);
    expect(source).not.toMatch(/^\s*import\s/m);
  });

  it("runs, says when it is ready, and sends the diagnostics before the whole analysis", async () => {
    const worker = new Worker(await analysisWorkerCode(), { eval: true });
    try {
      const replies: AnalysisReply[] = [];
      const two = new Promise<void>((resolve) =>
        worker.on("message", (reply: AnalysisReply) => {
          replies.push(reply);
          if ("parts" in reply || "error" in reply) resolve();
        }),
      );
      worker.postMessage({ id: 3, text } satisfies AnalysisRequest);
      await two;
      expect(replies.map((r) => Object.keys(r).sort().join())).toEqual(["ready", "diagnostics,id", "id,parts"]);
      const [, first, second] = replies as [unknown, { id: number; diagnostics: Diagnostic[] }, { id: number; parts: AnalysisParts }];
      expect([first.id, second.id]).toEqual([3, 3]);
      expect(first.diagnostics).toEqual(analyze(text, 1).diagnostics);
      expect(allDiagnostics(second.parts)).toEqual(first.diagnostics);
    } finally {
      await worker.terminate();
    }
  });

  it("analyses in the worker: the same diagnostics and results as in process", async () => {
    const pending = analyzer.analyze(text, 7);
    const [diagnostics, analysis] = await Promise.all([pending.diagnostics, pending.analysis]);
    const inProcess = analyze(text, 7);
    expect(diagnostics).toEqual(inProcess.diagnostics);
    expect(diagnostics.map((d) => d.code)).toEqual(["NET3001"]);
    expect(analysis.version).toBe(7);
    expect(analysis.diagnostics).toEqual(inProcess.diagnostics);
    expect(analysis.checked?.graphs.get("M")?.nodes.length).toBe(inProcess.checked?.graphs.get("M")?.nodes.length);
    expect(analysis.failure).toBeUndefined();
    // A fallback to the server's thread would have said so.
    expect(logged).toEqual([]);
  });
});
