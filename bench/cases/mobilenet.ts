// MobileNetV1 (examples/mobilenet_v1.net, 224×224, batch 1) forward: netc's runtime on the
// WebAssembly kernels (1 and 2 threads) and on the JavaScript reference kernels, against
// onnxruntime-node running netc's ONNX export (1 and 2 intra-op threads), tfjs-backend-wasm and
// tfjs-backend-cpu running the same network built from tfjs ops — all on the same weights and
// input. Outputs are the logits (the softmax's input), compared with netc-wasm's.
import * as ort from "onnxruntime-node";
import * as tf from "@tensorflow/tfjs-core";
import { exportOnnx } from "../../src/backends/onnx/index.ts";
import { createExecutor, createWasmExecutor, initializeParams } from "../../src/runtime/index.ts";
import type { Program } from "../../src/runtime/ops.ts";
import { relativeError } from "../../test/support/close.ts";
import { measure, withRatios, type BenchCase, type BenchContext, type Measurement } from "../harness.ts";
import { loadExample, sineInput, tfjsForward, tfjsParams, useTfjsBackend } from "../models.ts";

interface Model {
  readonly program: Program;
  readonly weights: Map<string, Float32Array>;
  readonly input: Float32Array;
}

type Runner = (model: Model, ctx: BenchContext) => Promise<{ measurement: Omit<Measurement, "errorVsNetc">; output: Float32Array }>;

const threadsLabel = (n: number) => `${n} thread${n > 1 ? "s" : ""}`;

function timingOptions(ctx: BenchContext, slow = false) {
  return slow ? { warmup: 1, minRuns: ctx.quick ? 1 : 3, maxRuns: 5, minTimeMs: 0 } : { minRuns: 5, minTimeMs: ctx.quick ? 500 : 2000 };
}

function netcWasm(threads: 1 | 2): Runner {
  return async ({ program, weights, input }, ctx) => {
    const { executor, accelerated, dispose } = await createWasmExecutor(program, { maxBatch: 1, training: false, wasm: { threads } });
    try {
      if (!accelerated) throw new Error("netc-wasm: no WebAssembly memory for the arena");
      executor.setParams(weights);
      const timing = await measure(() => executor.forward([input], 1), timingOptions(ctx));
      return {
        measurement: { implementation: `netc-wasm (${threadsLabel(threads)})`, threads, baseline: true, timing },
        output: executor.forward([input], 1)[1]!.slice(),
      };
    } finally {
      await dispose();
    }
  };
}

const netcJs: Runner = async ({ program, weights, input }, ctx) => {
  const executor = createExecutor(program, { maxBatch: 1, training: false });
  executor.setParams(weights);
  const timing = await measure(() => executor.forward([input], 1), timingOptions(ctx, true));
  return { measurement: { implementation: "netc-js (reference kernels)", threads: 1, timing }, output: executor.forward([input], 1)[1]!.slice() };
};

function onnxRuntime(threads: number): Runner {
  return async ({ program, weights, input }, ctx) => {
    const session = await ort.InferenceSession.create(exportOnnx(program, weights, { inputNames: ["image"], outputNames: ["probs", "logits"] }), {
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      executionMode: "sequential",
      graphOptimizationLevel: "all",
    });
    const feeds = { image: new ort.Tensor("float32", input, [1, 224, 224, 3]) };
    let output: Float32Array = new Float32Array(0);
    const timing = await measure(async () => {
      output = (await session.run(feeds)).logits!.data as Float32Array;
    }, timingOptions(ctx));
    await session.release();
    return { measurement: { implementation: `onnxruntime-node (${threadsLabel(threads)})`, threads, timing }, output };
  };
}

function tfjs(backend: "wasm" | "cpu"): Runner {
  return async ({ program, weights, input }, ctx) => {
    await useTfjsBackend(backend);
    const params = tfjsParams(weights, program, false);
    const forward = tfjsForward(program, params);
    const x = tf.tensor4d(input, [1, 224, 224, 3]);
    let output: Float32Array = new Float32Array(0);
    const timing = await measure(() => {
      const logits = tf.tidy(() => forward(x)[1]!);
      output = logits.dataSync() as Float32Array;
      logits.dispose();
    }, timingOptions(ctx, backend === "cpu"));
    x.dispose();
    for (const t of params.values()) t.dispose();
    return { measurement: { implementation: `tfjs-backend-${backend}`, threads: 1, timing }, output };
  };
}

/** Seeded weights, with batchnorm statistics moved off identity so folding them is tested. */
function weightsFor(program: Program): Map<string, Float32Array> {
  const weights = initializeParams(program, 0);
  for (const [key, values] of weights) {
    if (key.endsWith(".mean")) values.forEach((_, i) => (values[i] = 0.1 * Math.sin(i)));
    if (key.endsWith(".var")) values.forEach((_, i) => (values[i] = 1 + 0.5 * Math.cos(i)));
    if (key.endsWith(".beta")) values.forEach((_, i) => (values[i] = 0.05 * Math.cos(3 * i)));
  }
  return weights;
}

// The first runner is the baseline whose output every other one is checked against.
const RUNNERS: Runner[] = [netcWasm(1), netcWasm(2), onnxRuntime(1), onnxRuntime(2), tfjs("wasm"), tfjs("cpu"), netcJs];

export const mobilenetCase: BenchCase = {
  name: "mobilenet-v1",
  async run(ctx) {
    const graph = loadExample("mobilenet_v1.net");
    const softmax = graph.outputs[0]!;
    // Outputs: the probabilities and the logits (a near-uniform softmax would hide a mismatch).
    const program: Program = { nodes: graph.nodes, inputs: graph.inputs, outputs: [softmax, graph.nodes[softmax]!.inputs[0]!] };
    const model: Model = { program, weights: weightsFor(program), input: sineInput(224 * 224 * 3) };
    const measurements: Measurement[] = [];
    let reference: Float32Array | null = null;
    for (const runner of RUNNERS) {
      const { measurement, output } = await runner(model, ctx);
      ctx.log(`  ${measurement.implementation}: ${measurement.timing.medianMs.toFixed(2)} ms`);
      const errorVsNetc = reference ? relativeError(output, reference, 1e-6) : 0;
      if (errorVsNetc > 1e-3) throw new Error(`${measurement.implementation} disagrees with netc on MobileNetV1: relative error ${errorVsNetc}`);
      reference ??= output;
      measurements.push({ ...measurement, errorVsNetc });
    }
    return [
      {
        name: "mobilenet-v1",
        description: `MobileNetV1 224×224×3 forward, batch 1, ${(graph.totals.macs / 1e6).toFixed(0)}M MACs (GFLOPS = 2·MACs / time)`,
        measurements: withRatios(measurements, 2 * graph.totals.macs),
      },
    ];
  },
};
