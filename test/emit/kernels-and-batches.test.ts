// The emitted module's fallbacks (plain SIMD without relaxed SIMD, TypeScript without
// WebAssembly SIMD) against the runtime on the same kernels, --max-batch (chunked forward,
// bounded trainStep), and models with several inputs and outputs.
import { runInContext, createContext } from "node:vm";
import { transform } from "esbuild";
import { describe, expect, it } from "vitest";
import { emitTs, type EmitKernels } from "../../src/backends/emit-ts/index.ts";
import type { Graph } from "../../src/ir/graph.ts";
import {
  createExecutor,
  createWasmExecutor,
  initializeParams,
  sizeOf,
  type Executor,
} from "../../src/runtime/index.ts";
import {
  graphsOfFile,
  graphsOfSource,
  importEmitted,
  maxAbsDiff,
  sampleInput,
  TWO_WAY,
} from "./emit-helpers.ts";

const [lenet] = graphsOfFile("examples/lenet5.net");
const separable = graphsOfFile("examples/mobilenet_table3.net").find(
  (g) => g.model === "DepthwiseSeparable",
)!;
const [unet] = graphsOfFile("examples/unet_small.net");

async function runtimeExecutor(
  graph: Graph,
  kernels: EmitKernels,
  maxBatch: number,
): Promise<Executor> {
  if (kernels === "js")
    return createExecutor(graph, { maxBatch, training: false });
  const { executor, accelerated } = await createWasmExecutor(graph, {
    maxBatch,
    training: false,
    wasm: { fma: kernels === "auto" ? "auto" : false },
  });
  expect(accelerated).toBe(true);
  return executor;
}

describe("fallback kernels equal the runtime's on the same kernels", () => {
  for (const [kernels, inUse] of [
    ["wasm-simd", "wasm-simd"],
    ["js", "js"],
  ] as const) {
    for (const graph of [lenet, separable, unet]) {
      it(`${kernels}: ${graph.model}`, { timeout: 60_000 }, async () => {
        const weights = initializeParams(graph, 4);
        const batch = 2;
        const x = sampleInput(
          batch * sizeOf(graph.nodes[graph.inputs[0]].shape),
          8,
        );
        const executor = await runtimeExecutor(graph, kernels, batch);
        executor.setParams(weights);
        const expected = executor.forward([x], batch)[0].slice();
        const m = await importEmitted(
          await emitTs(graph, {
            kernels,
            weights,
            embedWeights: true,
            maxBatch: batch,
          }),
        );
        expect(m.kernels).toBe(inUse);
        expect(maxAbsDiff(m.forward(x, batch), expected)).toBeLessThanOrEqual(
          1e-5,
        );
      });
    }
  }
});

it("runs on the TypeScript kernels where there is no WebAssembly at all", async () => {
  const weights = initializeParams(separable, 3);
  const x = sampleInput(sizeOf(separable.nodes[separable.inputs[0]].shape), 5);
  const executor = createExecutor(separable, { maxBatch: 1, training: false });
  executor.setParams(weights);
  const expected = executor.forward([x], 1)[0].slice();
  const code = await emitTs(separable, { weights, embedWeights: true });
  // The same module as plain JavaScript (types stripped), in a realm without WebAssembly.
  const { code: script } = await transform(code, {
    loader: "ts",
    format: "iife",
    globalName: "emitted",
  });
  const realm = createContext({});
  runInContext("delete globalThis.WebAssembly;", realm);
  runInContext(script, realm);
  const m = runInContext("emitted", realm) as {
    kernels: string;
    forward(x: Float32Array): Float32Array;
  };
  expect(m.kernels).toBe("js");
  expect(
    maxAbsDiff(Float32Array.from(m.forward(x)), expected),
  ).toBeLessThanOrEqual(1e-5);
});

describe("--max-batch", () => {
  it("runs a larger batch in chunks, with the same result as one big batch, also into a caller's array", async () => {
    const weights = initializeParams(separable, 6);
    const batch = 5;
    const x = sampleInput(
      batch * sizeOf(separable.nodes[separable.inputs[0]].shape),
      2,
    );
    const executor = await runtimeExecutor(separable, "auto", batch);
    executor.setParams(weights);
    const expected = executor.forward([x], batch)[0].slice();
    const m = await importEmitted(
      await emitTs(separable, { weights, embedWeights: true, maxBatch: 2 }),
    );
    expect(m.maxBatch).toBe(2);
    expect(maxAbsDiff(m.forward(x, batch), expected)).toBeLessThanOrEqual(1e-5);
    const out = new Float32Array(expected.length);
    expect(m.forward(x, batch, out)).toBe(out);
    expect(maxAbsDiff(out, expected)).toBeLessThanOrEqual(1e-5);
    const one = new Float32Array(expected.length / batch);
    m.forward(x.subarray(0, x.length / batch), 1, one);
    expect(
      maxAbsDiff(one, expected.subarray(0, one.length)),
    ).toBeLessThanOrEqual(1e-5);
    expect(() => m.forward(x, batch, one)).toThrow(
      /the output array has \d+ floats, expected \d+ = batch 5/,
    );
    expect(() => m.forward(x, 0)).toThrow(
      /batch must be a positive integer, got 0/,
    );
  });

  it("bounds trainStep's batch (its statistics are per batch) with a clear error", async () => {
    const m = await importEmitted(
      await emitTs(lenet, { train: true, maxBatch: 2 }),
    );
    expect(m.maxBatch).toBe(2);
    const x = sampleInput(3 * 784, 1);
    expect(() => m.trainStep!(x, new Int32Array([1, 2, 3]), 3)).toThrow(
      /trainStep: batch must be an integer in 1\.\.2, got 3; recompile with a larger --max-batch/,
    );
  });

  it("defaults to 1 for inference and to the train section's batch with --train", async () => {
    expect((await importEmitted(await emitTs(lenet))).maxBatch).toBe(1);
    expect(
      (await importEmitted(await emitTs(lenet, { train: true }))).maxBatch,
    ).toBe(lenet.train!.batch);
  });
});

describe("several inputs and outputs", () => {
  it("forward takes and returns records keyed by input name and output label", async () => {
    const [graph] = graphsOfSource(TWO_WAY);
    expect(graph.inputs.length).toBe(2);
    expect(graph.outputs.length).toBe(2);
    const weights = initializeParams(graph, 9);
    const batch = 3;
    const image = sampleInput(batch * 72, 1);
    const extra = sampleInput(batch * 72, 2);
    const executor = await runtimeExecutor(graph, "auto", batch);
    executor.setParams(weights);
    const [scores, aux] = executor
      .forward([image, extra], batch)
      .map((o) => o.slice());
    const m = (await importEmitted(
      await emitTs(graph, { weights, embedWeights: true, maxBatch: batch }),
    )) as unknown as {
      inputShapes: Record<string, readonly number[]>;
      outputShapes: Record<string, readonly number[]>;
      forward(
        inputs: Record<string, Float32Array>,
        batch?: number,
      ): Record<string, Float32Array>;
    };
    expect(m.inputShapes).toEqual({ image: [6, 6, 2], extra: [6, 6, 2] });
    expect(m.outputShapes).toEqual({ scores: [3], aux: [2] });
    const out = m.forward({ image, extra }, batch);
    expect(Object.keys(out)).toEqual(["scores", "aux"]);
    expect(maxAbsDiff(out.scores, scores)).toBeLessThanOrEqual(1e-5);
    expect(maxAbsDiff(out.aux, aux)).toBeLessThanOrEqual(1e-5);
    expect(() => m.forward({ image }, batch)).toThrow(
      /missing input "extra"; the model takes image, extra/,
    );
  });

  it("--train needs exactly one input and one output", async () => {
    const [graph] = graphsOfSource(
      `${TWO_WAY}\ntrain TwoWay {\n  loss: cross_entropy\n  optimizer: sgd(lr = 0.1)\n}\n`,
    );
    await expect(emitTs(graph, { train: true })).rejects.toThrow(
      /2 inputs and 2 outputs; --train supports exactly one of each/,
    );
  });
});
