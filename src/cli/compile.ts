// `netc compile FILE [--model M] [--param k=v] -o model.ts [--weights W [--embed-weights]] [--train]
//   [--max-batch N] [--kernels auto|wasm-simd|js]`:
// check the model and write a standalone TypeScript module (docs/compile.md) atomically.
import type { Command } from "commander";
import { emitTs, type EmitKernels } from "../backends/emit-ts/index.ts";
import type { ParamValue } from "../check/index.ts";
import { writeFileAtomic } from "../io/atomic-write.ts";
import { loadWeights } from "../io/weights.ts";
import { collectParam } from "./check.ts";
import { InputError, UsageError } from "./errors.ts";
import { loadGraph } from "./load-graph.ts";
import { integerOption, MAX_BATCH, prepareOutputFile } from "./options.ts";

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

function parseKernels(value: string): EmitKernels {
  const choice = KERNEL_CHOICES.find((k) => k === value);
  if (!choice)
    throw new UsageError(
      `--kernels must be one of ${KERNEL_CHOICES.join(", ")}, got "${value}"`,
    );
  return choice;
}

export async function runCompile(
  file: string,
  opts: CompileCommandOptions,
): Promise<number> {
  if (opts.embedWeights && opts.weights === undefined)
    throw new UsageError("--embed-weights needs --weights FILE");
  const { graph } = loadGraph(file, { model: opts.model, params: { ...opts.params } });
  if (opts.train && !graph.train)
    throw new UsageError(`${graph.model} has no train section; --train needs one`);
  if (opts.train && (graph.inputs.length !== 1 || graph.outputs.length !== 1))
    throw new InputError(
      `${graph.model} has ${graph.inputs.length} inputs and ${graph.outputs.length} outputs; ` +
        "--train needs exactly one of each (compile without --train for inference)",
    );
  prepareOutputFile(opts.out, "--out");
  const weights =
    opts.weights === undefined
      ? undefined
      : new Map([...loadWeights(opts.weights, graph)].map(([key, tensor]) => [key, tensor.data]));
  const code = await emitTs(graph, {
    weights,
    embedWeights: opts.embedWeights,
    train: opts.train,
    maxBatch: opts.maxBatch,
    kernels: opts.kernels,
  });
  const bytes = new TextEncoder().encode(code);
  writeFileAtomic(opts.out, [bytes]);
  const weightsNote = opts.embedWeights
    ? `, weights embedded from ${opts.weights}`
    : opts.train && !opts.weights
      ? `, parameters start from the seed ${graph.train?.seed ?? 0} initialisation (initialize(seed) to change)`
      : "";
  process.stdout.write(
    `wrote ${opts.out}: ${graph.model}, ${bytes.byteLength.toLocaleString("en-US")} bytes${weightsNote}\n`,
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
      integerOption("--max-batch", 1, MAX_BATCH),
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
