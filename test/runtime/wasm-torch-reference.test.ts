// The CNN ops on the WebAssembly backend against PyTorch 1.13: every case of
// torch-reference.json (the fixtures the reference kernels are checked with) through a one-node
// WASM executor — its SIMD conv, depthwise, pooling and batchnorm paths as the planner picks
// them — forward, backward, input and parameter gradients, and batchnorm's running statistics.
import { describe, expect, it } from "vitest";
import { relativeError } from "../support/close.ts";
import { referenceFixture } from "./torch-reference-fixture.ts";
import { wasmRunner } from "./wasm-runner.ts";

describe("CNN ops on the WASM backend match PyTorch", () => {
  for (const c of referenceFixture.cases) {
    it(c.name, async () => {
      const runner = await wasmRunner({ attrs: c.attrs, inShapes: c.inShapes, outShape: c.outShape, batch: c.batch, training: c.training });
      try {
        expect(runner.accelerated).toBe(true);
        // Trainable tensors first, then batchnorm's running statistics, as the fixture lists them.
        const params = [...c.params, ...(c.runningBefore ?? [])].map((p) => Float32Array.from(p));
        const { output, inGrads, paramGrads } = runner.backward(
          c.inputs.map((x) => Float32Array.from(x)),
          params,
          Float32Array.from(c.outGrad),
          params.map((_, k) => k < c.params.length),
        );
        expect(relativeError(output, c.output), "output").toBeLessThan(1e-5);
        c.inGrads.forEach((g, k) => expect(relativeError(inGrads[k], g), `input gradient ${k}`).toBeLessThan(1e-4));
        c.paramGrads.forEach((g, k) => expect(relativeError(paramGrads[k]!, g), `param gradient ${k}`).toBeLessThan(1e-4));
        c.runningAfter?.forEach((r, k) =>
          expect(relativeError(runner.param(c.params.length + k), r), `running statistic ${k}`).toBeLessThan(1e-6),
        );
      } finally {
        await runner.dispose();
      }
    });
  }
});
