// The training loop: mini-batches through a planned executor, the train section's loss,
// optimizer and schedule, per-epoch validation, atomic checkpoints, and clean stops (NaN loss,
// Ctrl-C) that never lose or corrupt work.
import type { Graph, TrainConfig } from "../../ir/graph.ts";
import { writeSafetensors, type TensorData } from "../../io/safetensors.ts";
import { readCheckpoint, writeCheckpoint } from "../../io/checkpoint.ts";
import { batchCount, batches } from "../../data/batches.ts";
import { augmentBatch } from "../../data/augment.ts";
import { epochOrder } from "../../data/shuffle.ts";
import type { DataSplit } from "../../data/dataset.ts";
import { createWasmExecutor, initializeParams, Rng, sliceProgram, type Program } from "../../runtime/index.ts";
import { computeLoss, planLoss } from "../../runtime/train/losses.ts";
import { createOptimizer, type Optimizer } from "../../runtime/train/optimizers.ts";
import { lrAt, schedulePosition } from "../../runtime/train/schedules.ts";
import { evaluate, type EvaluationContext, type Evaluation } from "./evaluate.ts";

export interface StepProgress {
  readonly epoch: number;
  readonly epochs: number;
  readonly step: number;
  readonly steps: number;
  /** Mean training loss of the epoch so far. */
  readonly loss: number;
  /** The loss of this step's batch alone (training curves). */
  readonly batchLoss: number;
  readonly lr: number;
  readonly imagesPerSecond: number;
  readonly etaSeconds: number;
}

export interface EpochReport {
  readonly epoch: number;
  readonly loss: number;
  readonly lr: number;
  readonly imagesPerSecond: number;
  readonly seconds: number;
  readonly val?: Evaluation;
}

export interface TrainOptions {
  readonly graph: Graph;
  /** The graph's train section with any command-line overrides applied. */
  readonly config: TrainConfig;
  readonly data: DataSplit;
  /** Start from these weights (fine-tuning) instead of the seeded initialisation. */
  readonly init?: ReadonlyMap<string, Float32Array>;
  /** Continue a run from a checkpoint written by an earlier call. */
  readonly resumeFrom?: string;
  /** Written atomically after every epoch and when stopped. */
  readonly checkpointPath?: string;
  readonly onProgress?: (p: StepProgress) => void;
  readonly onEpoch?: (r: EpochReport) => void;
  /** Polled between steps; true stops training after saving a checkpoint (Ctrl-C). */
  readonly shouldStop?: () => boolean;
  /** Awaited between steps instead of one macrotask turn (where signal handlers run): a web
   * page's training worker holds it while paused, keeping the optimizer's state for resume. */
  readonly betweenSteps?: () => Promise<void>;
  /** Threads the kernels use (default 1; 2 needs SharedArrayBuffer: Node, or a cross-origin
   * isolated page). Two split every large GEMM, patch copy and per-channel pass between them;
   * the results equal one thread's up to float summation order, and are bit-identical from run
   * to run for a given thread count. */
  readonly threads?: 1 | 2;
}

export interface TrainResult {
  readonly weights: Map<string, TensorData>;
  readonly epochs: readonly EpochReport[];
  /** True when shouldStop ended the run early. */
  readonly stopped: boolean;
}

/** Training stopped on a non-finite loss or gradient; no weights were updated with it. */
export class TrainingDivergedError extends Error {
  override readonly name = "TrainingDivergedError";
  constructor(
    readonly epoch: number,
    readonly step: number,
    what: string,
    readonly checkpoint: string | undefined,
  ) {
    super(
      `${what} at epoch ${epoch}, step ${step}; the weights were not updated with it` +
        (checkpoint ? ` and the last good checkpoint is kept at ${checkpoint}` : "") +
        `. Try a lower learning rate, gradient-friendlier activations, or normalised inputs.`,
    );
  }
}

// Checkpoint `info` keys (the position inside an epoch, for a bit-identical resume after Ctrl-C).
const DROPOUT_RNG = "dropout_rng";
const STEP_IN_EPOCH = "step_in_epoch";
const EPOCH_LOSS_SUM = "epoch_loss_sum";

export interface LossSetup extends EvaluationContext {
  /** The program the executor runs: up to the input of a final softmax/sigmoid fused into the loss. */
  readonly program: Program;
}

/** What the loss consumes and the program the executor runs for it. */
export function lossSetup(graph: Graph, config: TrainConfig): LossSetup {
  if (graph.outputs.length !== 1)
    throw new Error(`training needs a model with one output, ${graph.model} has ${graph.outputs.length}`);
  const last = graph.nodes[graph.outputs[0]];
  const plan = planLoss(config.loss.kind, last.attrs.op);
  const fused = plan.consumes === "last_op_input";
  return {
    config,
    plan,
    program: fused ? sliceProgram(graph, [last.inputs[0]]) : graph,
    ...(fused ? { fusedOp: last.attrs.op } : {}),
    classes: last.shape[last.shape.length - 1],
    outPer: last.shape.reduce((a, b) => a * b, 1),
  };
}

export async function train(options: TrainOptions): Promise<TrainResult> {
  const { graph, config, data } = options;
  const setup = lossSetup(graph, config);
  const { plan, program, classes, outPer } = setup;

  const { executor, dispose } = await createWasmExecutor(program, {
    maxBatch: config.batch,
    training: true,
    seed: config.seed,
    wasm: { threads: options.threads ?? 1 },
  });
  try {
    executor.setParams(new Map(options.init ?? initializeParams(graph, config.seed)));
    const sizes = new Map([...executor.grads].map(([k, g]) => [k, g.length] as const));
    const optimizer = createOptimizer(config.optimizer, sizes);
    const shuffleRng = new Rng(config.seed);
    let startEpoch = 0;
    let globalStep = 0;
    let skipSteps = 0;
    let carriedLossSum = 0;
    if (options.resumeFrom) {
      const ckpt = readCheckpoint(options.resumeFrom);
      executor.setParams(new Map([...ckpt.weights].map(([k, t]) => [k, t.data])));
      optimizer.loadState(ckpt.optimizer);
      shuffleRng.state = ckpt.rng;
      executor.rngState = JSON.parse(String(ckpt.info[DROPOUT_RNG])) as typeof executor.rngState;
      startEpoch = ckpt.epoch;
      globalStep = ckpt.step;
      skipSteps = Number(ckpt.info[STEP_IN_EPOCH] ?? 0);
      carriedLossSum = Number(ckpt.info[EPOCH_LOSS_SUM] ?? 0);
    }

    const reports: EpochReport[] = [];
    const steps = batchCount(data.train.count, config.batch);
    const save = (epoch: number, stepInEpoch: number, epochRngState: typeof shuffleRng.state, lossSum: number) => {
      if (!options.checkpointPath) return;
      writeCheckpoint(options.checkpointPath, {
        weights: weightsOf(graph, executor.params),
        optimizer: optimizer.state(),
        epoch,
        step: globalStep,
        rng: epochRngState,
        info: { [DROPOUT_RNG]: JSON.stringify(executor.rngState), [STEP_IN_EPOCH]: stepInEpoch, [EPOCH_LOSS_SUM]: lossSum, model: graph.model },
      });
    };

    for (let epoch = startEpoch; epoch < config.epochs; epoch++) {
      const epochRngState = shuffleRng.state;
      const order = epochOrder(data.train.count, config.shuffle, shuffleRng);
      const started = performance.now();
      let lossSum = carriedLossSum;
      const resumedAt = Math.min(skipSteps * config.batch, data.train.count);
      let seen = resumedAt;
      let lr = config.optimizer.lr;
      let step = 0;
      executor.training = true;
      for (const batch of batches(data.train, config.batch, order)) {
        step++;
        if (step <= skipSteps) continue;
        lr = lrAt(config, config.optimizer.lr, schedulePosition(config.decayPer, epoch, globalStep));
        augmentBatch(config, globalStep, batch.x, batch.size, data.train.sampleShape);
        const out = executor.forward([batch.x], batch.size)[0].subarray(0, batch.size * outPer);
        const { loss, grad } = computeLoss(config.loss, plan.input, out, batch.target, { batch: batch.size, classes });
        if (!Number.isFinite(loss))
          throw new TrainingDivergedError(epoch + 1, step, `the loss became ${loss}`, options.checkpointPath);
        executor.zeroGrads();
        executor.backward([grad]);
        if (!allFinite(executor.trainableGrads))
          throw new TrainingDivergedError(epoch + 1, step, "a gradient became NaN or infinite", options.checkpointPath);
        optimizer.step(executor.params, executor.grads, lr);
        globalStep++;
        lossSum += loss * batch.size;
        seen += batch.size;
        const elapsed = (performance.now() - started) / 1000;
        const rate = (seen - resumedAt) / Math.max(elapsed, 1e-9);
        options.onProgress?.({
          epoch: epoch + 1,
          epochs: config.epochs,
          step,
          steps,
          loss: lossSum / seen,
          batchLoss: loss,
          lr,
          imagesPerSecond: rate,
          etaSeconds: (data.train.count - seen + (config.epochs - epoch - 1) * data.train.count) / rate,
        });
        // Let signal handlers (Ctrl-C) and messages run between steps.
        await (options.betweenSteps?.() ?? nextTurn());
        if (options.shouldStop?.()) {
          save(epoch, step, epochRngState, lossSum);
          return { weights: weightsOf(graph, executor.params), epochs: reports, stopped: true };
        }
      }
      skipSteps = 0;
      carriedLossSum = 0;
      const seconds = (performance.now() - started) / 1000;
      const val = data.validation
        ? evaluate(executor, data.validation, setup)
        : undefined;
      const report: EpochReport = { epoch: epoch + 1, loss: lossSum / seen, lr, imagesPerSecond: data.train.count / seconds, seconds, val };
      reports.push(report);
      save(epoch + 1, 0, shuffleRng.state, 0);
      options.onEpoch?.(report);
    }
    return { weights: weightsOf(graph, executor.params), epochs: reports, stopped: false };
  } finally {
    await dispose();
  }
}

/** One macrotask turn: setImmediate in Node, a zero timeout in a browser worker. */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => (typeof setImmediate === "function" ? setImmediate(resolve) : setTimeout(resolve, 0)));
}

function allFinite(values: Float32Array): boolean {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) return false;
  return true;
}

/** Copies of every parameter (trainable and running statistics) with the spec's shapes. */
export function weightsOf(graph: Graph, params: ReadonlyMap<string, Float32Array>): Map<string, TensorData> {
  const out = new Map<string, TensorData>();
  for (const node of graph.nodes)
    for (const spec of node.params) {
      const key = `${node.name}.${spec.name}`;
      const live = params.get(key);
      if (live) out.set(key, { shape: spec.shape, data: live.slice() });
    }
  return out;
}

/** `metadata`: more `__metadata__` entries, e.g. a character model's vocabulary. */
export function saveWeights(
  path: string,
  weights: ReadonlyMap<string, TensorData>,
  model: string,
  metadata: Readonly<Record<string, string>> = {},
): void {
  writeSafetensors(path, weights, { ...metadata, model, format: "netc" });
}
