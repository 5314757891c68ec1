// GEMM C = A·B at 512³ and 1024³: netc's WebAssembly kernels against onnxruntime-node (native
// MLAS), tfjs-backend-wasm (XNNPACK), tfjs-backend-cpu and netc's own JavaScript GEMM, all on
// the same inputs. B is prepared once as weights are (packed by netc, an initializer in ONNX).
import path from "node:path";
import { createRequire } from "node:module";
import * as ort from "onnxruntime-node";
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import { jsGemm } from "../../src/runtime/gemm.ts";
import { BumpAllocator, createKernelMemory } from "../../src/runtime/wasm/host/bump-allocator.ts";
import { createWasmKernels, type WasmKernelOptions } from "../../src/runtime/wasm/host/kernels.ts";
import { randomArray } from "../../test/support/arrays.ts";
import { relativeError } from "../../test/support/close.ts";
import { measure, withRatios, type BenchCase, type BenchContext, type CaseResult, type Measurement } from "../harness.ts";
import { matMulModel } from "../onnx-matmul-model.ts";

const SIZES = [512, 1024];

interface Inputs {
  readonly n: number;
  readonly a: Float32Array;
  readonly b: Float32Array;
}

type Runner = (inputs: Inputs, ctx: BenchContext) => Promise<{ measurement: Omit<Measurement, "errorVsNetc">; output: Float32Array }>;

function timingOptions(ctx: BenchContext) {
  return { minRuns: 3, minTimeMs: ctx.quick ? 300 : 1500 };
}

function netcWasm(label: string, options: WasmKernelOptions, baseline: boolean): Runner {
  return async ({ n, a, b }, ctx) => {
    const memory = createKernelMemory(4 * (4 * n * n) + (1 << 16));
    const kernels = await createWasmKernels(memory, options);
    try {
      const heap = new BumpAllocator(memory);
      const aAt = heap.put(a);
      const packed = heap.alloc(kernels.packedBFloats(n, n));
      kernels.packB({ k: n, n, b: heap.put(b), dst: packed });
      const c = heap.alloc(n * n);
      const timing = await measure(() => kernels.gemm({ m: n, n, k: n, a: aAt, bPacked: packed, c }), timingOptions(ctx));
      const tile = options.tile ?? (kernels.fma ? { rows: 2, vectors: 4 } : { rows: 4, vectors: 2 });
      const note = `${tile.rows}×${4 * tile.vectors} tile`;
      return {
        measurement: { implementation: `netc-wasm (${label}, ${kernels.threads} thread${kernels.threads > 1 ? "s" : ""})`, threads: kernels.threads, baseline, timing, note },
        output: heap.f32(c, n * n).slice(),
      };
    } finally {
      await kernels.dispose();
    }
  };
}

const netcJs: Runner = async ({ n, a, b }, ctx) => {
  const c = new Float32Array(n * n);
  const timing = await measure(() => jsGemm.gemm(false, false, n, n, n, a, 0, n, b, 0, n, c, 0, n, false), timingOptions(ctx));
  return { measurement: { implementation: "netc-js (reference runtime GEMM)", threads: 1, timing }, output: c };
};

function onnxRuntime(threads: number): Runner {
  return async ({ n, a, b }, ctx) => {
    const session = await ort.InferenceSession.create(matMulModel(n, n, n, b), {
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      executionMode: "sequential",
      graphOptimizationLevel: "all",
    });
    const feeds = { A: new ort.Tensor("float32", a, [n, n]) };
    let output: Float32Array = new Float32Array(0);
    const timing = await measure(async () => {
      output = (await session.run(feeds)).Y!.data as Float32Array;
    }, timingOptions(ctx));
    await session.release();
    return { measurement: { implementation: `onnxruntime-node (${threads} thread${threads > 1 ? "s" : ""})`, threads, timing }, output };
  };
}

let tfjsWasmReady = false;

function tfjs(backend: "wasm" | "cpu"): Runner {
  return async ({ n, a, b }, ctx) => {
    if (backend === "wasm" && !tfjsWasmReady) {
      // In Node the backend must be told where its .wasm files are.
      const require = createRequire(import.meta.url);
      const dist = path.dirname(require.resolve("@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm"));
      setWasmPaths(dist + path.sep);
      tfjsWasmReady = true;
    }
    await tf.setBackend(backend);
    await tf.ready();
    const at = tf.tensor2d(a, [n, n]);
    const bt = tf.tensor2d(b, [n, n]);
    let output: Float32Array = new Float32Array(0);
    const timing = await measure(() => {
      const c = tf.matMul(at, bt);
      output = c.dataSync() as Float32Array;
      c.dispose();
    }, timingOptions(ctx));
    at.dispose();
    bt.dispose();
    return { measurement: { implementation: `tfjs-backend-${backend}`, threads: 1, timing }, output };
  };
}

// The first runner is the baseline whose output every other one is checked against.
const RUNNERS: Runner[] = [
  netcWasm("FMA", { fma: "auto" }, true),
  netcWasm("plain SIMD", { fma: false }, false),
  netcWasm("FMA", { fma: "auto", threads: 2 }, true),
  onnxRuntime(1),
  onnxRuntime(2),
  tfjs("wasm"),
  tfjs("cpu"),
  netcJs,
];

async function runSize(n: number, ctx: BenchContext): Promise<CaseResult> {
  const inputs: Inputs = { n, a: randomArray(n, n * n), b: randomArray(n + 1, n * n) };
  const measurements: Measurement[] = [];
  let reference: Float32Array | null = null;
  for (const runner of RUNNERS) {
    const { measurement, output } = await runner(inputs, ctx);
    ctx.log(`  ${measurement.implementation}: ${measurement.timing.medianMs.toFixed(2)} ms`);
    const errorVsNetc = reference ? relativeError(output, reference, 1e-6) : 0;
    if (errorVsNetc > 1e-4) throw new Error(`${measurement.implementation} disagrees with netc on GEMM ${n}³: relative error ${errorVsNetc}`);
    reference ??= output;
    measurements.push({ ...measurement, errorVsNetc });
  }
  return { name: `gemm-${n}`, description: `C = A·B, ${n}×${n}×${n} float32`, measurements: withRatios(measurements, 2 * n ** 3) };
}

export const gemmCase: BenchCase = {
  name: "gemm",
  async run(ctx) {
    const results: CaseResult[] = [];
    for (const n of SIZES) results.push(await runSize(n, ctx));
    return results;
  },
};
