// `netc export FILE [--model M] [--param k=v] (--onnx out.onnx | --pytorch DIR) [--weights W] [--force]`:
// check the model, take its weights (a safetensors file, or the runtime's seeded initialisation),
// and write an ONNX file atomically, or a PyTorch package folder (model.py, train.py, README.md,
// weights.safetensors) all at once. Errors go to stderr as `file:line:col: error ...`; returns
// the exit code.
import type { Command } from "commander";
import { collectParam } from "./check.ts";
import { fileError, InputError, UsageError } from "./errors.ts";
import { loadGraph } from "./load-graph.ts";
import { prepareOutputFile } from "./options.ts";
import { exportOnnx, OnnxExportError } from "../backends/onnx/index.ts";
import { buildPytorchPackage, PackageExistsError, PytorchExportError, writePackage } from "../backends/pytorch/index.ts";
import type { ParamValue } from "../check/index.ts";
import type { Span } from "../diagnostics/diagnostic.ts";
import { LineMap } from "../diagnostics/render.ts";
import type { Graph } from "../ir/graph.ts";
import { writeFileAtomic } from "../io/atomic-write.ts";
import type { TensorData } from "../io/safetensors.ts";
import { loadWeights, weightSpecs } from "../io/weights.ts";
import { initializeParams } from "../runtime/index.ts";

export interface ExportCommandOptions {
  /** The model to export; may be omitted when the file holds exactly one. */
  readonly model?: string;
  /** `--param k=v` values. */
  readonly params: Readonly<Record<string, ParamValue>>;
  /** Where to write the ONNX file. */
  readonly onnx?: string;
  /** The folder to write the PyTorch package into. */
  readonly pytorch?: string;
  /** Replace a non-empty --pytorch folder. */
  readonly force?: boolean;
  /** A safetensors weights file; default: the runtime's initialisation with seed 0. */
  readonly weights?: string;
}

/** The seed of the initialisation exported to ONNX when no weights file is given. */
const DEFAULT_SEED = 0;

function location(text: string, span: Span): string {
  const { line, column } = new LineMap(text).position(span.start);
  return `${line}:${column}`;
}

/**
 * Exports and returns the exit code; input errors (unreadable or invalid file, bad weights) throw
 * InputError and an ambiguous or unknown --model throws UsageError, as in every other command.
 */
export async function runExport(file: string, opts: ExportCommandOptions): Promise<number> {
  if ((opts.onnx === undefined) === (opts.pytorch === undefined))
    throw new UsageError("export needs exactly one target: --onnx out.onnx or --pytorch DIR");
  const { graph, checked } = loadGraph(file, { model: opts.model, params: { ...opts.params } });
  try {
    if (opts.pytorch !== undefined) return exportPytorch(file, graph, opts.pytorch, opts);
    return exportOnnxFile(graph, opts.onnx!, opts);
  } catch (error) {
    // A diagnostic of the model's file: at the op that the target cannot express.
    if (error instanceof OnnxExportError || error instanceof PytorchExportError) {
      if (error.span === undefined) throw new InputError(`${file}: ${error.message}`);
      throw new InputError(`${file}:${location(checked.text, error.span)}: error: ${error.message}`, { diagnostics: true });
    }
    if (error instanceof PackageExistsError) throw new InputError(error.message);
    throw error;
  }
}

function exportOnnxFile(graph: Graph, out: string, opts: ExportCommandOptions): number {
  prepareOutputFile(out, "--onnx");
  const weights =
    opts.weights === undefined
      ? initializeParams(graph, DEFAULT_SEED)
      : new Map([...loadWeights(opts.weights, graph)].map(([key, tensor]) => [key, tensor.data]));
  const bytes = exportOnnx(graph, weights, { modelName: graph.model });
  writeFileAtomic(out, [bytes]);
  const source = opts.weights ?? `seed ${DEFAULT_SEED} initialisation`;
  process.stdout.write(
    `wrote ${out}: ${graph.model}, ${graph.totals.params.toLocaleString("en-US")} params from ${source}, ` +
      `${bytes.byteLength.toLocaleString("en-US")} bytes\n`,
  );
  return 0;
}

/**
 * The package ships starting weights: --weights, or netc's initialisation with the train
 * section's seed, so `python train.py` starts where `netc train` starts.
 */
function exportPytorch(file: string, graph: Graph, dir: string, opts: ExportCommandOptions): number {
  const seed = graph.train?.seed ?? DEFAULT_SEED;
  let weights: Map<string, TensorData>;
  if (opts.weights !== undefined) weights = loadWeights(opts.weights, graph);
  else {
    const values = initializeParams(graph, seed);
    weights = new Map(weightSpecs(graph).map(({ key, shape }) => [key, { shape, data: values.get(key)! }]));
  }
  const weightsSource = opts.weights ?? `netc's initialisation with seed ${seed}`;
  const files = buildPytorchPackage(graph, weights, { source: file, weightsSource });
  try {
    writePackage(dir, files, { force: opts.force ?? false });
  } catch (error) {
    if (error instanceof PackageExistsError) throw error;
    throw fileError(error, dir, "write");
  }
  process.stdout.write(
    `wrote ${dir}: ${[...files.keys()].join(", ")} for ${graph.model} ` +
      `(${graph.totals.params.toLocaleString("en-US")} params from ${weightsSource})\n`,
  );
  return 0;
}

export function registerExport(program: Command): void {
  program
    .command("export")
    .description("export a model to ONNX (opset 17) or a PyTorch package (model.py, train.py for torchrun/DDP)")
    .argument("<file>", ".net file")
    .option("--model <name>", "the model (default: the file's only model)")
    .option("--param <name=value>", "set a model parameter (repeatable)", collectParam, {})
    .option("--onnx <out.onnx>", "write an ONNX model (NHWC inputs and outputs)")
    .option("--pytorch <dir>", "write a PyTorch package into this folder")
    .option("--weights <weights>", "trained weights (default: the seeded initialisation)")
    .option("--force", "replace a non-empty --pytorch folder", false)
    .action(
      async (
        file: string,
        opts: { model?: string; param: Record<string, ParamValue>; onnx?: string; pytorch?: string; weights?: string; force: boolean },
      ) => {
        process.exitCode = await runExport(file, { ...opts, params: opts.param });
      },
    );
}
