// `netc compile FILE [--model M] [--param k=v] -o model.ts [--weights W [--embed-weights]] [--train]
//   [--max-batch N] [--kernels auto|wasm-simd|js]`:
// check the model and write a standalone TypeScript module (docs/compile.md) atomically.
import type { Command } from "commander";
import { emitTs, type EmitKernels } from "../backends/emit-ts/index.ts";
import type { ParamValue } from "../check/index.ts";
import { renderDiagnostics } from "../diagnostics/render.ts";
import type { Graph } from "../ir/graph.ts";
import { writeFileAtomic } from "../io/atomic-write.ts";
import { WeightsFileError } from "../io/safetensors.ts";
import { loadWeights } from "../io/weights.ts";
import { checkFile, collectParam, hasErrors, UsageError } from "./check.ts";

export interface CompileCommandOptions {
  readonly model?: string;
  readonly params: Readonly<Record<string, ParamValue>>;
  /** Where to write the module. */
  readonly out: string;
  readonly weights?: string;
  readonly embedWeights: boolean;
  readonly train: boolean;
  /** Buffers sized for this many samples (default: 1, or the train section's batch with --train). */
  readonly maxBatch?: number;
  readonly kernels?: EmitKernels;
}

const KERNEL_CHOICES: readonly EmitKernels[] = ["auto", "wasm-simd", "js"];

function parseMaxBatch(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new UsageError(
      `--max-batch must be a positive integer, got "${value}"`,
    );
  return n;
}

function parseKernels(value: string): EmitKernels {
  const choice = KERNEL_CHOICES.find((k) => k === value);
  if (!choice)
    throw new UsageError(
      `--kernels must be one of ${KERNEL_CHOICES.join(", ")}, got "${value}"`,
    );
  return choice;
}

function selectGraph(
  file: string,
  graphs: ReadonlyMap<string, Graph>,
  model: string | undefined,
): Graph {
  if (model !== undefined) {
    const graph = graphs.get(model);
    if (!graph)
      throw new UsageError(
        `${file}: no model named ${model}; it has ${[...graphs.keys()].join(", ") || "none"}`,
      );
    return graph;
  }
  if (graphs.size === 1) return [...graphs.values()][0];
  if (graphs.size === 0) throw new UsageError(`${file}: no model to compile`);
  throw new UsageError(
    `${file} holds models ${[...graphs.keys()].join(", ")}; choose one with --model`,
  );
}

export async function runCompile(
  file: string,
  opts: CompileCommandOptions,
): Promise<number> {
  if (opts.embedWeights && opts.weights === undefined)
    throw new UsageError("--embed-weights needs --weights FILE");
  const checked = checkFile(file, {
    model: opts.model,
    params: { ...opts.params },
  });
  if (hasErrors(checked.diagnostics)) {
    process.stderr.write(
      renderDiagnostics(file, checked.text, checked.diagnostics),
    );
    return 1;
  }
  const graph = selectGraph(file, checked.result.graphs, opts.model);
  if (opts.train && !graph.train) {
    process.stderr.write(
      `error: ${graph.model} has no train section; --train needs one\n`,
    );
    return 1;
  }
  let weights: Map<string, Float32Array> | undefined;
  try {
    weights =
      opts.weights === undefined
        ? undefined
        : new Map(
            [...loadWeights(opts.weights, graph)].map(([key, tensor]) => [
              key,
              tensor.data,
            ]),
          );
  } catch (error) {
    if (!(error instanceof WeightsFileError)) throw error;
    process.stderr.write(`error: ${error.message}\n`);
    return 1;
  }
  if (opts.train && (graph.inputs.length !== 1 || graph.outputs.length !== 1)) {
    process.stderr.write(
      `error: ${graph.model} has ${graph.inputs.length} inputs and ${graph.outputs.length} outputs; ` +
        "--train needs exactly one of each (compile without --train for inference)\n",
    );
    return 1;
  }
  const code = await emitTs(graph, {
    weights,
    embedWeights: opts.embedWeights,
    train: opts.train,
    maxBatch: opts.maxBatch,
    kernels: opts.kernels,
  });
  try {
    writeFileAtomic(opts.out, [new TextEncoder().encode(code)]);
  } catch (error) {
    process.stderr.write(
      `error: cannot write ${opts.out}: ${(error as Error).message}\n`,
    );
    return 1;
  }
  const weightsNote = opts.embedWeights
    ? `, weights embedded from ${opts.weights}`
    : "";
  process.stdout.write(
    `wrote ${opts.out}: ${graph.model}, ${code.length.toLocaleString("en-US")} bytes${weightsNote}\n`,
  );
  return 0;
}

export function registerCompile(program: Command): void {
  program
    .command("compile")
    .description(
      "emit a standalone TypeScript module (no imports) that runs the model",
    )
    .argument("<file>", ".net file")
    .option(
      "--model <name>",
      "the model to compile (needed when the file holds several)",
    )
    .option(
      "--param <name=value>",
      "override a model parameter (repeatable)",
      collectParam,
      {},
    )
    .requiredOption("-o, --out <file>", "where to write the .ts module")
    .option(
      "--weights <file>",
      "a safetensors weights file (checked against the model)",
    )
    .option(
      "--embed-weights",
      "inline the --weights file (base64) so forward works at once",
      false,
    )
    .option(
      "--train",
      "also export trainStep with the model's train section",
      false,
    )
    .option(
      "--max-batch <n>",
      "size buffers for n samples (default 1, or the train batch with --train); forward runs larger batches in chunks of n",
      parseMaxBatch,
    )
    .option(
      "--kernels <which>",
      "auto: embed the WebAssembly SIMD kernels (FMA and plain builds, chosen at load); wasm-simd: plain build only; js: TypeScript kernels only",
      parseKernels,
      "auto" as EmitKernels,
    )
    .action(
      async (
        file: string,
        opts: {
          model?: string;
          param: Record<string, ParamValue>;
          out: string;
          weights?: string;
          embedWeights: boolean;
          train: boolean;
          maxBatch?: number;
          kernels: EmitKernels;
        },
      ) => {
        process.exitCode = await runCompile(file, {
          model: opts.model,
          params: opts.param,
          out: opts.out,
          weights: opts.weights,
          embedWeights: opts.embedWeights,
          train: opts.train,
          maxBatch: opts.maxBatch,
          kernels: opts.kernels,
        });
      },
    );
}
