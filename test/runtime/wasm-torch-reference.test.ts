// The CNN ops on the WebAssembly backend against PyTorch 1.13: every case of
// torch-reference.json (the fixtures the reference kernels are checked with) through a one-node
// WASM executor — its SIMD conv, depthwise, pooling and batchnorm paths as the planner picks
// them — forward, backward, input and parameter gradients, and batchnorm's running statistics.
import { describe, expect, it } from "vitest";
import { createWasmExecutor } from "../../src/runtime/wasm/host/backend.ts";
import { relativeError } from "../support/close.ts";
import { referenceFixture } from "./torch-reference-fixture.ts";
import { kernelFor } from "./kernel-harness.ts";
import { ProgramBuilder } from "./program-builder.ts";

describe("CNN ops on the WASM backend match PyTorch", () => {
  for (const c of referenceFixture.cases) {
    it(c.name, async () => {
      const b = new ProgramBuilder();
      const inputs = c.inShapes.map((shape, k) => b.input(`x${k}`, shape));
      const node = b.op(c.attrs, inputs, c.outShape);
      const program = b.build([node]);
      const { executor, accelerated, dispose } = await createWasmExecutor(program, {
        maxBatch: c.batch,
        training: true,
        inputGrads: true,
      });
      try {
        expect(accelerated).toBe(true);
        const name = program.nodes[node].name;
        const specs = kernelFor(c.attrs.op).params(c.attrs, c.inShapes);
        // Trainable tensors first, then batchnorm's running statistics, as the fixture lists them.
        const values = [...c.params, ...(c.runningBefore ?? [])];
        executor.setParams(new Map(specs.map((spec, k) => [`${name}.${spec.name}`, Float32Array.from(values[k])])));
        executor.training = c.training;
        const [output] = executor.forward(
          c.inputs.map((x) => Float32Array.from(x)),
          c.batch,
        );
        expect(relativeError(output, c.output), "output").toBeLessThan(1e-5);
        executor.zeroGrads();
        executor.backward([Float32Array.from(c.outGrad)]);
        const inGrads = executor.inputGrads();
        c.inGrads.forEach((g, k) => expect(relativeError(inGrads[k], g), `input gradient ${k}`).toBeLessThan(1e-4));
        c.paramGrads.forEach((g, k) =>
          expect(relativeError(executor.grads.get(`${name}.${specs[k].name}`)!, g), specs[k].name).toBeLessThan(1e-4),
        );
        c.runningAfter?.forEach((r, k) => {
          const spec = specs[c.params.length + k];
          expect(relativeError(executor.params.get(`${name}.${spec.name}`)!, r), spec.name).toBeLessThan(1e-6);
        });
      } finally {
        await dispose();
      }
    });
  }
});
