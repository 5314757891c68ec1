// Vision Transformer forward, batch 1: examples/vit_mnist.net (28×28) and a ViT-Ti/16-sized model
// (224×224, 16×16 patches, 197 tokens of 192 features, 12 blocks of 3 heads, MLP 768, 1000
// classes — DeiT-Tiny's shape) on netc's WASM runtime against onnxruntime-node running netc's
// ONNX export of the same weights, at 1 and 2 threads. Outputs are compared with netc's.
import * as ort from "onnxruntime-node";
import { exportOnnx } from "../../src/backends/onnx/index.ts";
import { check } from "../../src/check/index.ts";
import type { Graph } from "../../src/ir/graph.ts";
import { createWasmExecutor, initializeParams } from "../../src/runtime/index.ts";
import { parse } from "../../src/syntax/parse.ts";
import { relativeError } from "../../test/support/close.ts";
import { measure, withRatios, type BenchCase, type BenchContext, type CaseResult, type Measurement } from "../harness.ts";
import { loadExample, sineInput } from "../models.ts";

const VIT_TI16 = `model ViTTi16 {
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

function checked(source: string): Graph {
  const { program, diagnostics } = parse(source);
  const result = check(program);
  const errors = [...diagnostics, ...result.diagnostics].filter((d) => d.severity === "error");
  if (errors.length > 0) throw new Error(errors.map((d) => d.message).join("; "));
  return result.graphs.values().next().value!;
}

const threadsLabel = (n: number) => `${n} thread${n > 1 ? "s" : ""}`;

async function runVit(name: string, graph: Graph, ctx: BenchContext): Promise<CaseResult> {
  const weights = initializeParams(graph, 0);
  const shape = graph.nodes[graph.inputs[0]].shape;
  const input = sineInput(shape.reduce((a, b) => a * b, 1));
  const timing = { minRuns: 5, minTimeMs: ctx.quick ? 500 : 2000 };
  const measurements: Measurement[] = [];
  let reference: Float32Array | null = null;
  const record = (m: Measurement, output: Float32Array) => {
    const errorVsNetc = reference ? relativeError(output, reference, 1e-6) : 0;
    if (errorVsNetc > 1e-3) throw new Error(`${m.implementation} disagrees with netc on ${name}: relative error ${errorVsNetc}`);
    reference ??= output;
    ctx.log(`  ${name} ${m.implementation}: ${m.timing.medianMs.toFixed(2)} ms`);
    measurements.push({ ...m, errorVsNetc });
  };
  for (const threads of [1, 2] as const) {
    const { executor, dispose } = await createWasmExecutor(graph, { maxBatch: 1, training: false, wasm: { threads } });
    try {
      executor.setParams(weights);
      const t = await measure(() => executor.forward([input], 1), timing);
      record({ implementation: `netc-wasm (${threadsLabel(threads)})`, threads, baseline: true, timing: t }, executor.forward([input], 1)[0]!.slice());
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
    const t = await measure(async () => {
      output = (await session.run(feeds)).logits!.data as Float32Array;
    }, timing);
    await session.release();
    record({ implementation: `onnxruntime-node (${threadsLabel(threads)})`, threads, timing: t }, output);
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
