// `netc export FILE [--model M] [--param k=v] --onnx out.onnx [--weights W]`: check the model,
// take its weights (a safetensors file, or the runtime's seeded initialisation), and write an
// ONNX file atomically. Errors go to stderr as `file:line:col: error ...`; returns the exit code.
import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { collectParam } from "./check.ts";
import { exportOnnx, OnnxExportError } from "../backends/onnx/index.ts";
import { check, type ParamValue } from "../check/index.ts";
import type { Span } from "../diagnostics/diagnostic.ts";
import { LineMap } from "../diagnostics/render.ts";
import type { Graph } from "../ir/graph.ts";
import { writeFileAtomic } from "../io/atomic-write.ts";
import { WeightsFileError } from "../io/safetensors.ts";
import { loadWeights } from "../io/weights.ts";
import { initializeParams } from "../runtime/index.ts";
import { parse } from "../syntax/parse.ts";

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

function selectGraph(file: string, graphs: ReadonlyMap<string, Graph>, model: string | undefined): Graph | string {
  if (model !== undefined) return graphs.get(model) ?? `${file}: no model named ${model}`;
  if (graphs.size === 1) return [...graphs.values()][0];
  if (graphs.size === 0) return `${file}: no model to export`;
  return `${file} holds models ${[...graphs.keys()].join(", ")}; choose one with --model`;
}

export async function runExport(file: string, opts: ExportCommandOptions): Promise<number> {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    process.stderr.write(`error: cannot read ${file}: ${(error as Error).message}\n`);
    return 1;
  }

  const parsed = parse(text);
  const checked = check(parsed.program, { model: opts.model, params: opts.params });
  const errors = [...parsed.diagnostics, ...checked.diagnostics].filter((d) => d.severity === "error");
  for (const d of errors) process.stderr.write(`${file}:${location(text, d.span)}: error ${d.code}: ${d.message}\n`);
  if (errors.length > 0) return 1;

  const graph = selectGraph(file, checked.graphs, opts.model);
  if (typeof graph === "string") {
    process.stderr.write(`error: ${graph}\n`);
    return 1;
  }

  try {
    const weights =
      opts.weights === undefined
        ? initializeParams(graph, DEFAULT_SEED)
        : new Map([...loadWeights(opts.weights, graph)].map(([key, tensor]) => [key, tensor.data]));
    const bytes = exportOnnx(graph, weights, { modelName: graph.model });
    try {
      writeFileAtomic(opts.onnx, [bytes]);
    } catch (error) {
      process.stderr.write(`error: cannot write ${opts.onnx}: ${(error as Error).message}\n`);
      return 1;
    }
    const source = opts.weights ?? `seed ${DEFAULT_SEED} initialisation`;
    process.stdout.write(
      `wrote ${opts.onnx}: ${graph.model}, ${graph.totals.params.toLocaleString("en-US")} params from ${source}, ` +
        `${bytes.byteLength.toLocaleString("en-US")} bytes\n`,
    );
    return 0;
  } catch (error) {
    if (error instanceof OnnxExportError) {
      const where = error.span === undefined ? file : `${file}:${location(text, error.span)}`;
      process.stderr.write(`${where}: error: ${error.message}\n`);
      return 1;
    }
    if (error instanceof WeightsFileError) {
      process.stderr.write(`error: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
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
