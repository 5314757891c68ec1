// Shared by the ONNX tests: run an exported model in onnxruntime, compare with netc's runtime.
import * as ort from "onnxruntime-node";
import { expect } from "vitest";
import { exportOnnx } from "../../src/backends/onnx/index.ts";
import { createExecutor } from "../../src/runtime/index.ts";
import type { Program } from "../../src/runtime/ops.ts";
import { expectClose as expectCloseValues } from "../support/close.ts";

export interface BatchedArray {
  readonly shape: readonly number[];
  readonly data: Float32Array;
  /** Token ids: fed to onnxruntime as int64 (the runtime carries them as float32 values). */
  readonly dtype?: "int";
}

/** Creates an onnxruntime session (the validity check) and runs it on NHWC inputs. */
export async function runOnnx(model: Uint8Array, inputs: readonly BatchedArray[]): Promise<BatchedArray[]> {
  const session = await ort.InferenceSession.create(model, { intraOpNumThreads: 1 });
  const feeds: Record<string, ort.Tensor> = {};
  session.inputNames.forEach((name, i) => {
    const { data, shape, dtype } = inputs[i];
    feeds[name] =
      dtype === "int"
        ? new ort.Tensor("int64", BigInt64Array.from(data, (v) => BigInt(v)), shape as number[])
        : new ort.Tensor("float32", data, shape as number[]);
  });
  const results = await session.run(feeds);
  return session.outputNames.map((name) => {
    const data = results[name].data;
    // An int64 output (take of token ids) compares as float values.
    return { shape: results[name].dims, data: data instanceof BigInt64Array ? Float32Array.from(data, Number) : (data as Float32Array) };
  });
}

/** Same shape, and |a − e| ≤ atol + rtol·|e| at every element (test/support/close.ts). */
export function expectClose(
  actual: BatchedArray,
  expected: BatchedArray,
  what: string,
  rtol = 1e-4,
  atol = 1e-5,
): void {
  expect(actual.shape, `${what}: shape`).toEqual(expected.shape);
  expectCloseValues(actual.data, expected.data, { rtol, atol, what });
}

/** Runs the program on netc's runtime and on onnxruntime, and compares every output. */
export async function expectRuntimeParity(
  program: Program,
  weights: ReadonlyMap<string, Float32Array>,
  inputs: readonly BatchedArray[],
  what: string,
): Promise<void> {
  const batch = inputs[0].shape[0];
  const executor = createExecutor(program, { maxBatch: batch, training: false });
  executor.setParams(weights);
  const expected = executor
    .forward(
      inputs.map((x) => x.data),
      batch,
    )
    .map((data, i) => ({
      shape: [batch, ...program.nodes.find((n) => n.id === program.outputs[i])!.shape],
      data: Float32Array.from(data),
    }));
  const typed = inputs.map((x, i) => {
    const attrs = program.nodes.find((n) => n.id === program.inputs[i])!.attrs;
    return attrs.op === "input" && attrs.dtype === "int" ? { ...x, dtype: "int" as const } : x;
  });
  const actual = await runOnnx(exportOnnx(program, weights), typed);
  expect(actual).toHaveLength(expected.length);
  expected.forEach((e, i) => expectClose(actual[i], e, `${what} output ${i}`));
}
