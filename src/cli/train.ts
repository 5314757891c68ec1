// `netc train FILE [--model M] [--param k=v] [--data ...] [--epochs n] [--batch n] [--init W]
// [--out W] [--resume CKPT] [--threads n] [--json] [--plot curves.svg|png]`: train per the model's
// `train` section.
import { availableParallelism } from "node:os";
import type { Command } from "commander";
import type { ParamValue } from "../check/index.ts";
import { loadData } from "../data/load-data.ts";
import { modelShapes, validateData } from "../data/validate-data.ts";
import { bigramBaseline } from "../data/chars/bigram.ts";
import { vocabularyMetadata } from "../data/chars/vocabulary.ts";
import type { DataSplit } from "../data/dataset.ts";
import { loadWeights } from "../io/weights.ts";
import type { Graph, TrainConfig } from "../ir/graph.ts";
import { saveWeights, train, type EpochReport } from "../backends/interpret/trainer.ts";
import type { Evaluation } from "../backends/interpret/evaluate.ts";
import { collectParam, plural, UsageError } from "./check.ts";
import { loadGraph } from "./load-graph.ts";
import { dataOption, integerOption, MAX_BATCH, prepareOutputFile } from "./options.ts";
import { ProgressBar } from "./progress.ts";
import { resumeCommand } from "./resume-hint.ts";
import { pictureFormat, writePicture } from "./viz.ts";
import type { EpochPoint } from "../viz/run-log.ts";

export interface TrainCommandOptions {
  readonly model?: string;
  readonly params: Record<string, ParamValue>;
  readonly data: string;
  readonly epochs?: number;
  readonly batch?: number;
  readonly init?: string;
  readonly out?: string;
  readonly resume?: string;
  readonly json: boolean;
  /** Redraw the training curves into this .svg/.png after every epoch. */
  readonly plot?: string;
  /** Threads the kernels use (default: all cores; at most 2 are used). */
  readonly threads?: number;
}

const INTERRUPTED = 130;

function trainConfig(graph: Graph, opts: TrainCommandOptions): TrainConfig {
  if (!graph.train)
    throw new UsageError(`model ${graph.model} has no train section; add \`train ${graph.model} { loss: ... optimizer: ... }\``);
  return {
    ...graph.train,
    ...(opts.epochs !== undefined ? { epochs: opts.epochs } : {}),
    ...(opts.batch !== undefined ? { batch: opts.batch } : {}),
  };
}

/** The most epochs `--epochs` accepts. */
const MAX_EPOCHS = 1_000_000;

/** `val_loss 0.1523  accuracy 0.9550  macro_f1 0.9541` */
function describeEvaluation(val: Evaluation): string {
  const metrics = Object.entries(val.metrics).map(([name, v]) => `${name} ${v.toFixed(4)}`);
  // Per-class precision/recall fit on the line for binary and three-class outputs (masks).
  const perClass =
    val.precision.length <= 3
      ? [`precision ${val.precision.map((p) => p.toFixed(3)).join("/")}`, `recall ${val.recall.map((r) => r.toFixed(3)).join("/")}`]
      : [];
  return [`val_loss ${val.loss.toFixed(4)}`, ...metrics, ...perClass].join("  ");
}

/** Samples per second as the data counts them: images, or tokens of `tokensPerSample`-token windows. */
function rate(r: EpochReport, tokensPerSample: number | undefined): string {
  return tokensPerSample === undefined
    ? `${Math.round(r.imagesPerSecond).toLocaleString("en-US")} img/s`
    : `${Math.round(r.imagesPerSecond * tokensPerSample).toLocaleString("en-US")} tok/s`;
}

function epochLine(r: EpochReport, epochs: number, tokensPerSample: number | undefined): string {
  const head =
    `epoch ${r.epoch}/${epochs}  loss ${r.loss.toFixed(4)}  lr ${r.lr.toExponential(2)}  ` +
    `${rate(r, tokensPerSample)}  ${r.seconds.toFixed(1)}s`;
  return r.val ? `${head}  |  ${describeEvaluation(r.val)}` : head;
}

/** Per-step losses in the JSON log: five significant digits keep a 1000-step epoch near 10 KB. */
const compactLoss = (loss: number) => Number(loss.toPrecision(5));

function epochEvent(r: EpochReport, stepLosses: readonly number[], tokensPerSample: number | undefined): object {
  return {
    event: "epoch",
    epoch: r.epoch,
    loss: r.loss,
    lr: r.lr,
    images_per_s: r.imagesPerSecond,
    ...(tokensPerSample !== undefined ? { tokens_per_s: r.imagesPerSecond * tokensPerSample } : {}),
    seconds: r.seconds,
    ...(r.val
      ? { val: { loss: r.val.loss, ...r.val.metrics, precision: r.val.precision, recall: r.val.recall } }
      : {}),
    step_losses: stepLosses.map(compactLoss),
  };
}

/** The epoch as a point of the training curves (`--plot`). */
function epochPoint(r: EpochReport, stepLosses: readonly number[]): EpochPoint {
  return {
    epoch: r.epoch,
    loss: r.loss,
    lr: r.lr,
    ...(r.val ? { val: { loss: r.val.loss, ...r.val.metrics } } : {}),
    stepLosses: [...stepLosses],
  };
}

interface CharacterBaseline {
  readonly corpus: string;
  readonly bigram_val_loss: number;
  readonly bigram_val_perplexity: number;
}

/** For character data: the bigram model's validation loss, the figure a sequence model must beat. */
function characterBaseline(data: DataSplit): CharacterBaseline | undefined {
  if (!data.vocabulary || !data.validation) return undefined;
  const { loss, perplexity } = bigramBaseline(data.train, data.validation, data.vocabulary.chars.length);
  return { corpus: data.vocabulary.corpus, bigram_val_loss: loss, bigram_val_perplexity: perplexity };
}

function baselineLine(b: CharacterBaseline): string {
  return `bigram baseline on the same split: val_loss ${b.bigram_val_loss.toFixed(4)}  perplexity ${b.bigram_val_perplexity.toFixed(2)}`;
}

/** The kernels run on one thread or two: `--threads`, else every core there is, capped at 2. */
function kernelThreads(requested: number | undefined): 1 | 2 {
  return Math.min(requested ?? availableParallelism(), 2) >= 2 ? 2 : 1;
}

export async function runTrain(file: string, opts: TrainCommandOptions): Promise<number> {
  if (opts.plot !== undefined) pictureFormat(opts.plot, "--plot");
  const { graph } = loadGraph(file, opts);
  const config = trainConfig(graph, opts);
  const out = opts.out ?? `${graph.model.toLowerCase()}.safetensors`;
  const checkpointPath = out.replace(/(\.safetensors)?$/, ".ckpt.safetensors");
  // Before loading data or training: an --out that cannot be written fails now, not after.
  prepareOutputFile(out, "--out");
  prepareOutputFile(checkpointPath, "--out");
  const bar = new ProgressBar();
  bar.status(`loading ${opts.data}…`);
  const shapes = modelShapes(graph);
  const data = loadData(opts.data, shapes.outputShape, config.validation, { name: shapes.inputName, shape: shapes.inputShape });
  validateData(shapes, config.loss.kind, data.train);
  if (data.validation) validateData(shapes, config.loss.kind, data.validation);
  const init = opts.init ? new Map([...loadWeights(opts.init, graph)].map(([key, t]) => [key, t.data])) : undefined;

  let interrupted = false;
  const onSigint = () => {
    interrupted = true;
  };
  process.on("SIGINT", onSigint);
  const print = (line: string) => {
    bar.clear();
    process.stdout.write(line + "\n");
  };
  if (!opts.json)
    print(
      `training ${graph.model} (${plural(graph.totals.params, "param")}) on ${data.train.name}: ` +
        plural(data.train.count, "sample") +
        (data.validation ? `, validating on ${data.validation.count.toLocaleString("en-US")}` : "") +
        `, batch ${config.batch}, ${plural(config.epochs, "epoch")}`,
    );
  const baseline = characterBaseline(data);
  if (baseline) print(opts.json ? JSON.stringify({ event: "baseline", ...baseline }) : baselineLine(baseline));
  // Token windows report tokens per second (every position of a [T, V] output is a prediction).
  const tokensPerSample = data.vocabulary ? shapes.inputShape[0] : undefined;
  let stepLosses: number[] = [];
  const curves: EpochPoint[] = [];
  const drawCurves = async () => {
    if (opts.plot === undefined) return;
    const { renderCurvesSvg } = await import("../viz/curves.ts");
    await writePicture(opts.plot, renderCurvesSvg([{ name: graph.model, epochs: curves }], `training ${graph.model}`));
  };
  let drawing = Promise.resolve();
  let plotFailed = false;
  bar.status(`compiling ${graph.model}…`);
  try {
    const result = await train({
      graph,
      config,
      data,
      init,
      resumeFrom: opts.resume,
      threads: kernelThreads(opts.threads),
      checkpointPath,
      shouldStop: () => interrupted,
      onProgress: (p) => {
        stepLosses.push(p.batchLoss);
        bar.update(p, { samplesPerEpoch: data.train.count }, p.step === p.steps);
      },
      onEpoch: (r) => {
        print(opts.json ? JSON.stringify(epochEvent(r, stepLosses, tokensPerSample)) : epochLine(r, config.epochs, tokensPerSample));
        curves.push(epochPoint(r, stepLosses));
        stepLosses = [];
        // A picture that cannot be written costs a warning, never the training run.
        drawing = drawing.then(drawCurves).catch((e: Error) => {
          if (!plotFailed) process.stderr.write(`warning: cannot write --plot ${opts.plot}: ${e.message}\n`);
          plotFailed = true;
        });
      },
    });
    await drawing;
    bar.clear();
    if (result.stopped) {
      process.stderr.write(
        `interrupted: checkpoint saved to ${checkpointPath}; continue with\n` +
          `  ${resumeCommand(file, opts, { out, checkpoint: checkpointPath, epochs: config.epochs })}\n`,
      );
      return INTERRUPTED;
    }
    saveWeights(out, result.weights, graph.model, data.vocabulary ? vocabularyMetadata(data.vocabulary) : {});
    print(opts.json ? JSON.stringify({ event: "done", weights: out }) : `wrote ${out} (last checkpoint: ${checkpointPath})`);
    return 0;
  } finally {
    process.off("SIGINT", onSigint);
    bar.clear();
  }
}

export function registerTrain(program: Command): void {
  program
    .command("train")
    .description("train a model per its train section")
    .argument("<file>", ".net file")
    .option("--model <name>", "the model to train (default: the file's only model)")
    .option("--param <name=value>", "set a model parameter (repeatable)", collectParam, {})
    .requiredOption("--data <data>", "mnist, nuclei, words, text:FILE, or x.npy,y.npy", dataOption)
    .option("--epochs <n>", "override the train section's epochs", integerOption("--epochs", 1, MAX_EPOCHS))
    .option("--batch <n>", "override the train section's batch size", integerOption("--batch", 1, MAX_BATCH))
    .option("--init <weights>", "start from these weights (safetensors), e.g. to fine-tune")
    .option("--out <weights>", "where to write the trained weights (default: <model>.safetensors)")
    .option("--resume <checkpoint>", "continue from a checkpoint written by an earlier run")
    .option("--threads <n>", "threads for the kernels (default: all cores; the kernels use at most 2)", integerOption("--threads", 1, 1024))
    .option("--json", "NDJSON events on stdout", false)
    .option("--plot <picture>", "redraw the training curves into this .svg or .png after every epoch")
    .action(async (file: string, opts: TrainCommandOptions & { param: Record<string, ParamValue> }) => {
      process.exitCode = await runTrain(file, { ...opts, params: opts.param });
    });
}
