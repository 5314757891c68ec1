// Vision Transformer forward, batch 1: examples/vit_mnist.net (28×28) and a ViT-Ti/16-sized model
// (224×224, 16×16 patches, 197 tokens of 192 features, 12 blocks of 3 heads, MLP 768, 1000
// classes — DeiT-Tiny's shape) on netc's WASM runtime against onnxruntime-node running netc's
// ONNX export of the same weights, at 1 and 2 threads. Outputs are compared with netc's. The
// machine is shared, so each implementation's CPU time per forward is measured too (median of
// per-run process.cpuUsage): waiting for a core inflates the wall time, not the CPU time. At
// 1 thread the CPU times compare the work each side does; at 2 they also count spinning.
import * as ort from "onnxruntime-node";
import { exportOnnx } from "../../src/backends/onnx/index.ts";
import { check } from "../../src/check/index.ts";
import type { Graph } from "../../src/ir/graph.ts";
import { createWasmExecutor, initializeParams } from "../../src/runtime/index.ts";
import { parse } from "../../src/syntax/parse.ts";
import { relativeError } from "../../test/support/close.ts";
import { measure, withRatios, type BenchCase, type BenchContext, type CaseResult, type Measurement } from "../harness.ts";
import { loadExample, sineInput } from "../models.ts";

/** DeiT-Tiny's shape (bench/profile-vit.ts profiles it too). */
export const VIT_TI16 = `model ViTTi16 {
  input image: [224, 224, 3]
  block encoder {
    parallel add {
      { layernorm  attention(3) }
      { }
    }
    parallel add {
      { layernorm  dense(768)  gelu  dense(192) }
      { }
    }
  }
  conv(192, 16x16, stride = 16)
  reshape([-1, 192])
  class_token
  positional(197)
  repeat 12 { encoder }
  layernorm
  take(0)
  dense(1000)
}`;

export function checked(source: string): Graph {
  const { program, diagnostics } = parse(source);
  const result = check(program);
  const errors = [...diagnostics, ...result.diagnostics].filter((d) => d.severity === "error");
  if (errors.length > 0) throw new Error(errors.map((d) => d.message).join("; "));
  return result.graphs.values().next().value!;
}

const threadsLabel = (n: number) => `${n} thread${n > 1 ? "s" : ""}`;

/** CPU milliseconds this process has used (all its threads). */
function cpuNow(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/** Median and min CPU time of `runs` calls, each timed alone. */
async function measureCpu(fn: () => unknown, runs: number): Promise<{ medianMs: number; minMs: number }> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = cpuNow();
    await fn();
    times.push(cpuNow() - t);
  }
  times.sort((a, b) => a - b);
  return { medianMs: times[times.length >> 1]!, minMs: times[0]! };
}

async function runVit(name: string, graph: Graph, ctx: BenchContext): Promise<CaseResult> {
  const weights = initializeParams(graph, 0);
  const shape = graph.nodes[graph.inputs[0]].shape;
  const input = sineInput(shape.reduce((a, b) => a * b, 1));
  const timing = { minRuns: 5, minTimeMs: ctx.quick ? 500 : 2000 };
  const cpuRuns = Math.max(5, Math.min(ctx.quick ? 50 : 200, Math.round((ctx.quick ? 300 : 1500) / Math.max(0.05, graph.totals.macs / 2e7))));
  const measurements: Measurement[] = [];
  const cpu = new Map<number, number>(); // netc's 1- and 2-thread CPU medians
  let reference: Float32Array | null = null;
  const record = (m: Measurement, output: Float32Array, used: { medianMs: number; minMs: number }) => {
    const errorVsNetc = reference ? relativeError(output, reference, 1e-6) : 0;
    if (errorVsNetc > 1e-3) throw new Error(`${m.implementation} disagrees with netc on ${name}: relative error ${errorVsNetc}`);
    reference ??= output;
    if (m.baseline) cpu.set(m.threads, used.medianMs);
    const base = cpu.get(m.threads);
    const versus = !m.baseline && base ? ` (${(used.medianMs / base).toFixed(2)}× netc's)` : "";
    const note = `CPU ${used.medianMs.toFixed(2)} ms/run, min ${used.minMs.toFixed(2)}${versus}`;
    ctx.log(`  ${name} ${m.implementation}: ${m.timing.medianMs.toFixed(2)} ms; ${note}`);
    measurements.push({ ...m, errorVsNetc, note });
  };
  for (const threads of [1, 2] as const) {
    const { executor, dispose } = await createWasmExecutor(graph, { maxBatch: 1, training: false, wasm: { threads } });
    try {
      executor.setParams(weights);
      const run = () => executor.forward([input], 1);
      const t = await measure(run, timing);
      const used = await measureCpu(run, cpuRuns);
      record({ implementation: `netc-wasm (${threadsLabel(threads)})`, threads, baseline: true, timing: t }, run()[0]!.slice(), used);
    } finally {
      await dispose();
    }
  }
  const onnx = exportOnnx(graph, weights, { inputNames: ["image"], outputNames: ["logits"] });
  for (const threads of [1, 2]) {
    const session = await ort.InferenceSession.create(onnx, {
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      executionMode: "sequential",
      graphOptimizationLevel: "all",
    });
    const feeds = { image: new ort.Tensor("float32", input, [1, ...shape]) };
    let output: Float32Array = new Float32Array(0);
    const run = async () => {
      output = (await session.run(feeds)).logits!.data as Float32Array;
    };
    const t = await measure(run, timing);
    const used = await measureCpu(run, cpuRuns);
    await session.release();
    record({ implementation: `onnxruntime-node (${threadsLabel(threads)})`, threads, timing: t }, output, used);
  }
  return {
    name,
    description: `${name} forward, batch 1, ${(graph.totals.params / 1e6).toFixed(2)}M params, ${(graph.totals.macs / 1e6).toFixed(0)}M MACs (GFLOPS = 2·MACs / time)`,
    measurements: withRatios(measurements, 2 * graph.totals.macs),
  };
}

export const vitForwardCase: BenchCase = {
  name: "vit-forward",
  async run(ctx) {
    return [await runVit("vit-mnist", loadExample("vit_mnist.net"), ctx), await runVit("vit-ti16", checked(VIT_TI16), ctx)];
  },
};
