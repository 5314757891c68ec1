// `import { compile } from "netc/browser"`: the parts of netc that run in a web page, for
// esbuild, Vite or any bundler. Parse and check a model, read its summary, run and train it on
// the WebAssembly runtime, and emit `netc compile`'s standalone module — all on strings, arrays
// and bytes: nothing here reads or writes files (weights go in with loadWeights(bytes) and out
// with weightsBytes()). The build (scripts/build.ts) bundles this entry without `node:` imports.
//
//   const model = compile(source);
//   model.initialize(42);
//   const y = await model.forward(x, batch);
//   const table = summaryTable(summaryJson(model.graph, new LineMap(source)));
export { check, compile, compileGraph, CompileError, Model, parse, TrainingDivergedError } from "./index.ts";
export type {
  CompileOptions,
  Dataset,
  DataSplit,
  Diagnostic,
  EpochReport,
  FitOptions,
  Graph,
  Labels,
  StepProgress,
  TrainConfig,
  TrainResult,
} from "./index.ts";
export { LineMap, renderDiagnostics } from "./diagnostics/render.ts";
export { summaryJson, summaryTable, type SummaryJson } from "./cli/summary.ts";
export { emitTs, type EmitKernels, type EmitOptions } from "./backends/emit-ts/index.ts";
export * as runtime from "./runtime/index.ts";
