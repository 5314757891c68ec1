// An OpRunner (kernel-harness.ts) on the WebAssembly backend: the op as the only node of a WASM
// training executor, so the finite-difference checks run the SIMD paths the planner picks.
import type { Shape } from "../../src/runtime/kernel.ts";
import { createWasmExecutor } from "../../src/runtime/wasm/host/backend.ts";
import type { KernelCase, OpRunner } from "./kernel-harness.ts";
import { kernelFor } from "./kernel-harness.ts";
import { ProgramBuilder } from "./program-builder.ts";

export async function wasmRunner(
  c: KernelCase,
  intInputs: readonly number[] = [],
): Promise<
  OpRunner & {
    readonly accelerated: boolean;
    /** The executor's copy of param k now (batchnorm's running statistics move in training). */
    param(k: number): Float32Array;
    dispose(): Promise<void>;
  }
> {
  const b = new ProgramBuilder();
  const ids = c.inShapes.map((shape: Shape, k) => b.input(`x${k}`, shape, intInputs.includes(k) ? "int" : undefined));
  const node = b.op(c.attrs, ids, c.outShape);
  const program = b.build([node]);
  const { executor, accelerated, dispose } = await createWasmExecutor(program, {
    maxBatch: c.batch,
    training: true,
    inputGrads: true,
    seed: c.seed ?? 1,
  });
  const name = program.nodes[node].name;
  const keys = kernelFor(c.attrs.op)
    .params(c.attrs, c.inShapes)
    .map((spec) => `${name}.${spec.name}`);
  const initialRng = executor.rngState;
  const forward = (inputs: Float32Array[], params: Float32Array[]): Float32Array => {
    executor.setParams(new Map(keys.map((key, k) => [key, params[k]!])));
    executor.training = c.training ?? false;
    // The same dropout mask on every call, as the reference runner's fixed seed gives.
    executor.rngState = initialRng;
    return executor.forward(inputs, c.batch)[0]!.slice();
  };
  return {
    accelerated,
    dispose,
    forward,
    param: (k) => executor.params.get(keys[k]!)!,
    backward(inputs, params, outGrad, trainable) {
      const output = forward(inputs, params);
      executor.zeroGrads();
      executor.backward([outGrad]);
      const inGrads = executor.inputGrads().map((g) => g.slice());
      return { output, inGrads, paramGrads: keys.map((key, k) => (trainable[k] ? executor.grads.get(key)!.slice() : null)) };
    },
  };
}
