// The worker that parses and checks a document off the server's main thread, so a program
// that takes the checker long (or all the memory) cannot stall or kill the server: the main
// thread times the worker out and replaces it (see analyzer.ts).
import { parentPort } from "node:worker_threads";
import { check } from "../check/index.ts";
import { parse } from "../syntax/parse.ts";
import type { Diagnostic } from "../diagnostics/diagnostic.ts";
import { allDiagnostics, type AnalysisParts } from "./analysis.ts";

export interface AnalysisRequest {
  readonly id: number;
  readonly text: string;
}

export type AnalysisReply =
  /** First, so the editor gets them before the whole analysis is copied over (slower). */
  | { readonly id: number; readonly diagnostics: readonly Diagnostic[] }
  | { readonly id: number; readonly parts: AnalysisParts }
  | { readonly id: number; readonly error: string }
  /** Sent once the checker is loaded: time limits count from here, not from the start-up. */
  | { readonly ready: true };

parentPort?.on("message", ({ id, text }: AnalysisRequest) => {
  let reply: AnalysisReply;
  try {
    const parsed = parse(text);
    const parts = { program: parsed.program, parseDiagnostics: parsed.diagnostics, checked: check(parsed.program) };
    parentPort!.postMessage({ id, diagnostics: allDiagnostics(parts) } satisfies AnalysisReply);
    reply = { id, parts };
  } catch (error) {
    reply = { id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) };
  }
  // One message: the checker's side tables are keyed by AST nodes, and structured cloning
  // keeps those references pointing into the cloned AST.
  parentPort!.postMessage(reply);
});

parentPort?.postMessage({ ready: true } satisfies AnalysisReply);
