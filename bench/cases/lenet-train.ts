// One LeNet-5 (examples/lenet5.net: ReLU + max pooling) training step at batch 64 — forward,
// cross-entropy on the logits, backward, Adam update — in images/s: netc's runtime
// (WebAssembly and JavaScript kernels) against tfjs-backend-cpu training the same network from
// the same weights. The first step's gradients are compared with netc-wasm's. A second table
// runs the spec's original LeNet-5 (tanh + average pooling) on netc's two runtimes.
import * as tf from "@tensorflow/tfjs-core";
import { createExecutor, createWasmExecutor, initializeParams, sliceProgram } from "../../src/runtime/index.ts";
import type { Executor } from "../../src/runtime/index.ts";
import type { Program } from "../../src/runtime/ops.ts";
import { crossEntropyFromLogits } from "../../src/runtime/train/losses.ts";
import { createOptimizer, type OptimizerConfig } from "../../src/runtime/train/optimizers.ts";
import { relativeError } from "../../test/support/close.ts";
import { measure, type BenchCase, type BenchContext, type CaseResult, type Measurement, type Timing } from "../harness.ts";
import { loadExample, sineInput, tfjsForward, tfjsParams, useTfjsBackend } from "../models.ts";

const BATCH = 64;
const CLASSES = 10;
const ADAM: OptimizerConfig = { kind: "adam", lr: 0.001, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0 };

interface Task {
  /** LeNet-5 up to its logits (the loss fuses the final softmax). */
  readonly program: Program;
  readonly weights: Map<string, Float32Array>;
  readonly images: Float32Array;
  readonly labels: Int32Array;
}

/** All gradients of the first step, concatenated in `weights` key order. */
type Runner = (task: Task, ctx: BenchContext) => Promise<{ implementation: string; timing: Timing; grads: Float32Array }>;

function timingOptions(ctx: BenchContext, slow = false) {
  return slow ? { warmup: 1, minRuns: 3, maxRuns: ctx.quick ? 3 : 10, minTimeMs: 0 } : { warmup: 3, minRuns: 10, minTimeMs: ctx.quick ? 500 : 2000 };
}

function concat(keys: Iterable<string>, map: ReadonlyMap<string, ArrayLike<number>>): Float32Array {
  const parts = [...keys].filter((k) => map.has(k)).map((k) => map.get(k)!);
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) out.set(p, (at += p.length) - p.length);
  return out;
}

/** The step a trainer takes: zero, forward, loss, backward, optimizer, tell the executor. */
function netcStep(executor: Executor, task: Task): () => void {
  const trainable = new Map([...executor.grads.keys()].map((k) => [k, executor.params.get(k)!]));
  const optimizer = createOptimizer(ADAM, new Map([...trainable].map(([k, v]) => [k, v.length])));
  const target = { kind: "classes", data: task.labels } as const;
  return () => {
    executor.zeroGrads();
    const [logits] = executor.forward([task.images], BATCH);
    executor.backward([crossEntropyFromLogits(logits!, target, CLASSES).grad]);
    optimizer.step(trainable, executor.grads, ADAM.lr);
  };
}

function firstGrads(executor: Executor, task: Task): Float32Array {
  executor.setParams(task.weights);
  executor.zeroGrads();
  const [logits] = executor.forward([task.images], BATCH);
  executor.backward([crossEntropyFromLogits(logits!, { kind: "classes", data: task.labels }, CLASSES).grad]);
  return concat(task.weights.keys(), executor.grads);
}

const netcWasm: Runner = async (task, ctx) => {
  const { executor, dispose } = await createWasmExecutor(task.program, { maxBatch: BATCH, training: true });
  try {
    const grads = firstGrads(executor, task);
    executor.setParams(task.weights);
    const timing = await measure(netcStep(executor, task), timingOptions(ctx));
    return { implementation: "netc-wasm (1 thread)", timing, grads };
  } finally {
    await dispose();
  }
};

const netcJs: Runner = async (task, ctx) => {
  const executor = createExecutor(task.program, { maxBatch: BATCH, training: true });
  const grads = firstGrads(executor, task);
  executor.setParams(task.weights);
  const timing = await measure(netcStep(executor, task), timingOptions(ctx));
  return { implementation: "netc-js (reference kernels)", timing, grads };
};

const tfjsCpu: Runner = async (task, ctx) => {
  await useTfjsBackend("cpu");
  const variables = tfjsParams(task.weights, task.program, true) as Map<string, tf.Variable>;
  const forward = tfjsForward(task.program, variables);
  const x = tf.tensor4d(task.images, [BATCH, 28, 28, 1]);
  const y = tf.oneHot(tf.tensor1d(task.labels, "int32"), CLASSES);
  const loss = () => tf.losses.softmaxCrossEntropy(y, forward(x)[0]!) as tf.Scalar;
  const { grads: tfGrads, value } = tf.variableGrads(loss);
  const grads = concat(task.weights.keys(), new Map(Object.entries(tfGrads).map(([k, g]) => [k, g.dataSync()])));
  tf.dispose([value, ...Object.values(tfGrads)]);
  const optimizer = tf.train.adam(ADAM.lr, 0.9, 0.999, 1e-8);
  const timing = await measure(() => {
    const cost = optimizer.minimize(loss, true);
    cost?.dataSync();
    cost?.dispose();
  }, timingOptions(ctx, true));
  tf.dispose([x, y, ...variables.values()]);
  optimizer.dispose();
  return { implementation: "tfjs-backend-cpu", timing, grads };
};

interface Variant {
  /** Under examples/. */
  readonly file: string;
  readonly name: string;
  readonly description: string;
  readonly runners: readonly Runner[];
}

const VARIANTS: readonly Variant[] = [
  { file: "lenet5.net", name: "lenet5-train", description: "LeNet-5 (ReLU + max pooling)", runners: [netcWasm, netcJs, tfjsCpu] },
  {
    file: "../test/fixtures/syntax/spec-lenet5.net",
    name: "lenet5-train-tanh",
    description: "the spec's LeNet-5 (tanh + average pooling)",
    runners: [netcWasm, netcJs],
  },
];

async function runVariant(variant: Variant, ctx: BenchContext): Promise<CaseResult> {
  const graph = loadExample(variant.file);
  const softmax = graph.outputs[0]!;
  const program = sliceProgram(graph, [graph.nodes[softmax]!.inputs[0]!]);
  const labels = Int32Array.from({ length: BATCH }, (_, i) => (i * 7) % CLASSES);
  const task: Task = { program, weights: initializeParams(program, 0), images: sineInput(BATCH * 28 * 28), labels };
  const measurements: Measurement[] = [];
  let reference: Float32Array | null = null;
  let baseMs = 0;
  for (const runner of variant.runners) {
    const { implementation, timing, grads } = await runner(task, ctx);
    const imagesPerSecond = (1000 * BATCH) / timing.medianMs;
    ctx.log(`  ${variant.name} ${implementation}: ${timing.medianMs.toFixed(2)} ms/step, ${imagesPerSecond.toFixed(0)} images/s`);
    const errorVsNetc = reference ? relativeError(grads, reference, 1e-6) : 0;
    if (errorVsNetc > 1e-3) throw new Error(`${implementation} gradients disagree with netc on ${variant.file}: relative error ${errorVsNetc}`);
    reference ??= grads;
    baseMs ||= timing.medianMs;
    measurements.push({
      implementation,
      threads: 1,
      baseline: measurements.length === 0,
      timing,
      ratioToNetc: timing.medianMs / baseMs,
      errorVsNetc,
      note: `${imagesPerSecond.toFixed(0)} images/s`,
    });
  }
  return {
    name: variant.name,
    description: `${variant.description} training step (forward, loss, backward, Adam), batch ${BATCH}, 1 thread; diff = first-step gradients`,
    measurements,
  };
}

export const lenetTrainCase: BenchCase = {
  name: "lenet5-train",
  async run(ctx) {
    const results: CaseResult[] = [];
    for (const variant of VARIANTS) results.push(await runVariant(variant, ctx));
    return results;
  },
};
