// The sequence and general ops of spec section 11 against PyTorch 1.13 (fixtures from
// test/fixtures/runtime/gen_torch_sequence.py: nn.MultiheadAttention with and without a causal
// mask and as cross-attention, nn.LayerNorm, RMSNorm, nn.GroupNorm, nn.InstanceNorm2d, nn.LSTM,
// nn.GRU, nn.Embedding, GELU, the merges and elementwise ops), forward and backward, to 1e-4.
import { describe, expect, it } from "vitest";
import { runBackward } from "./kernel-harness.ts";
import { relativeError } from "../support/close.ts";
import { sequenceFixture } from "./torch-sequence-fixture.ts";

describe("sequence kernels match PyTorch", () => {
  it("has the generated cases", () => {
    expect(sequenceFixture.cases.length).toBeGreaterThanOrEqual(30);
  });

  for (const c of sequenceFixture.cases) {
    it(c.name, () => {
      const result = runBackward(
        { attrs: c.attrs, inShapes: c.inShapes, outShape: c.outShape, batch: c.batch },
        c.inputs.map((x) => Float32Array.from(x)),
        c.params.map((p) => Float32Array.from(p)),
        Float32Array.from(c.outGrad),
      );
      expect(relativeError(result.output, c.output)).toBeLessThan(1e-5);
      c.inGrads.forEach((g, k) => {
        if (!c.intInputs.includes(k)) expect(relativeError(result.inGrads[k], g)).toBeLessThan(1e-4);
      });
      c.paramGrads.forEach((g, k) => expect(relativeError(result.paramGrads[k]!, g)).toBeLessThan(1e-4));
    });
  }
});
