// `netc evaluate FILE --weights W --data ...`: loss, accuracy, macro F1, Dice (for masks),
// per-class precision/recall and the confusion matrix on the validation split (or all of
// a pair of .npy files).
import type { Command } from "commander";
import type { ParamValue } from "../check/index.ts";
import { evaluate, type Evaluation } from "../backends/interpret/evaluate.ts";
import { lossSetup } from "../backends/interpret/trainer.ts";
import { loadData } from "../data/load-data.ts";
import { modelShapes, validateData } from "../data/validate-data.ts";
import { loadWeights } from "../io/weights.ts";
import type { TrainConfig } from "../ir/graph.ts";
import { createWasmExecutor } from "../runtime/index.ts";
import { collectParam, UsageError } from "./check.ts";
import { loadGraph } from "./load-graph.ts";
import { dataOption } from "./options.ts";

export interface EvaluateCommandOptions {
  readonly model?: string;
  readonly params: Record<string, ParamValue>;
  readonly weights: string;
  readonly data: string;
  readonly json: boolean;
}

/** The train section's metrics plus accuracy and macro F1 (and Dice for image outputs). */
function metricsFor(config: TrainConfig, imageOutput: boolean): TrainConfig["metrics"] {
  const wanted: TrainConfig["metrics"][number][] = [{ kind: "accuracy" }, { kind: "macro_f1" }];
  if (imageOutput) wanted.push({ kind: "dice" });
  const extra = config.metrics.filter((m) => !wanted.some((w) => w.kind === m.kind));
  return [...wanted, ...extra];
}

function table(e: Evaluation): string {
  const lines = [`loss      ${e.loss.toFixed(4)}`, ...Object.entries(e.metrics).map(([k, v]) => `${k.padEnd(9)} ${v.toFixed(4)}`), ""];
  lines.push("class  precision  recall");
  e.precision.forEach((p, c) => lines.push(`${String(c).padStart(5)}  ${p.toFixed(4).padStart(9)}  ${e.recall[c].toFixed(4).padStart(6)}`));
  const width = Math.max(5, ...e.confusion.flat().map((n) => String(n).length + 1));
  lines.push("", "confusion (rows: truth, columns: predicted)");
  lines.push("      " + e.confusion.map((_, c) => String(c).padStart(width)).join(""));
  e.confusion.forEach((row, t) => lines.push(String(t).padStart(5) + " " + row.map((n) => String(n).padStart(width)).join("")));
  return lines.join("\n") + "\n";
}

export async function runEvaluate(file: string, opts: EvaluateCommandOptions): Promise<number> {
  const { graph } = loadGraph(file, opts);
  if (!graph.train) throw new UsageError(`model ${graph.model} has no train section (its loss is needed to evaluate)`);
  const outputShape = graph.nodes[graph.outputs[0]].shape;
  const config = { ...graph.train, metrics: metricsFor(graph.train, outputShape.length === 3) };
  const setup = lossSetup(graph, config);
  const shapes = modelShapes(graph);
  const split = loadData(opts.data, outputShape, 0, { name: shapes.inputName, shape: shapes.inputShape });
  const data = split.validation ?? split.train;
  validateData(shapes, config.loss.kind, data);
  const weights = new Map([...loadWeights(opts.weights, graph)].map(([k, t]) => [k, t.data]));
  const { executor, dispose } = await createWasmExecutor(setup.program, { maxBatch: Math.min(64, data.count), training: false });
  try {
    executor.setParams(weights);
    const result = evaluate(executor, data, setup);
    process.stdout.write(
      opts.json
        ? JSON.stringify({ data: data.name, count: data.count, ...result }) + "\n"
        : `${data.name}: ${data.count.toLocaleString("en-US")} samples\n${table(result)}`,
    );
    return 0;
  } finally {
    await dispose();
  }
}

export function registerEvaluate(program: Command): void {
  program
    .command("evaluate")
    .description("metrics and confusion matrix of trained weights on a dataset")
    .argument("<file>", ".net file")
    .option("--model <name>", "the model (default: the file's only model)")
    .option("--param <name=value>", "set a model parameter (repeatable)", collectParam, {})
    .requiredOption("--weights <weights>", "trained weights (safetensors)")
    .requiredOption("--data <data>", "mnist, nuclei, words, text:FILE, or x.npy,y.npy", dataOption)
    .option("--json", "print one JSON object", false)
    .action(async (file: string, opts: EvaluateCommandOptions & { param: Record<string, ParamValue> }) => {
      process.exitCode = await runEvaluate(file, { ...opts, params: opts.param });
    });
}
