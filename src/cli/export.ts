// `netc export FILE [--model M] [--param k=v] --onnx out.onnx [--weights W]`: check the model,
// take its weights (a safetensors file, or the runtime's seeded initialisation), and write an
// ONNX file atomically. Errors go to stderr as `file:line:col: error ...`; returns the exit code.
import type { Command } from "commander";
import { collectParam } from "./check.ts";
import { InputError } from "./errors.ts";
import { loadGraph } from "./load-graph.ts";
import { prepareOutputFile } from "./options.ts";
import { exportOnnx, OnnxExportError } from "../backends/onnx/index.ts";
import type { ParamValue } from "../check/index.ts";
import type { Span } from "../diagnostics/diagnostic.ts";
import { LineMap } from "../diagnostics/render.ts";
import { writeFileAtomic } from "../io/atomic-write.ts";
import { loadWeights } from "../io/weights.ts";
import { initializeParams } from "../runtime/index.ts";

export interface ExportCommandOptions {
  /** The model to export; may be omitted when the file holds exactly one. */
  readonly model?: string;
  /** `--param k=v` values. */
  readonly params: Readonly<Record<string, ParamValue>>;
  /** Where to write the ONNX file. */
  readonly onnx: string;
  /** A safetensors weights file; default: the runtime's initialisation with seed 0. */
  readonly weights?: string;
}

/** The seed of the initialisation exported when no weights file is given. */
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
  const { graph, checked } = loadGraph(file, { model: opts.model, params: { ...opts.params } });
  prepareOutputFile(opts.onnx, "--onnx");
  const weights =
    opts.weights === undefined
      ? initializeParams(graph, DEFAULT_SEED)
      : new Map([...loadWeights(opts.weights, graph)].map(([key, tensor]) => [key, tensor.data]));
  let bytes: Uint8Array;
  try {
    bytes = exportOnnx(graph, weights, { modelName: graph.model });
  } catch (error) {
    if (!(error instanceof OnnxExportError)) throw error;
    // A diagnostic of the model's file: at the op that ONNX cannot express.
    if (error.span === undefined) throw new InputError(`${file}: ${error.message}`);
    throw new InputError(`${file}:${location(checked.text, error.span)}: error: ${error.message}`, { diagnostics: true });
  }
  writeFileAtomic(opts.onnx, [bytes]);
  const source = opts.weights ?? `seed ${DEFAULT_SEED} initialisation`;
  process.stdout.write(
    `wrote ${opts.onnx}: ${graph.model}, ${graph.totals.params.toLocaleString("en-US")} params from ${source}, ` +
      `${bytes.byteLength.toLocaleString("en-US")} bytes\n`,
  );
  return 0;
}

export function registerExport(program: Command): void {
  program
    .command("export")
    .description("export a model to ONNX (opset 17), NHWC inputs and outputs")
    .argument("<file>", ".net file")
    .option("--model <name>", "the model (default: the file's only model)")
    .option("--param <name=value>", "set a model parameter (repeatable)", collectParam, {})
    .requiredOption("--onnx <out.onnx>", "where to write the ONNX model")
    .option("--weights <weights>", "trained weights (default: the seeded initialisation)")
    .action(async (file: string, opts: { model?: string; param: Record<string, ParamValue>; onnx: string; weights?: string }) => {
      process.exitCode = await runExport(file, { ...opts, params: opts.param });
    });
}
