// One training step of a small network against PyTorch 1.13: outputs, every param gradient,
// the input gradient and batchnorm's running stats (fixture: gen_torch_network.py).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { createExecutor } from "../../src/runtime/exec/executor.ts";
import { relativeError } from "../support/close.ts";
import { ProgramBuilder } from "./program-builder.ts";

const fixture = JSON.parse(
  readFileSync(new URL("../fixtures/runtime/torch-network.json", import.meta.url), "utf8"),
) as {
  batch: number;
  input: number[];
  params: Record<string, number[]>;
  runningBefore: Record<string, number[]>;
  runningAfter: Record<string, number[]>;
  outGrad: number[];
  output: number[];
  grads: Record<string, number[]>;
  inputGrad: number[];
};

function network() {
  const b = new ProgramBuilder();
  let t = b.input("x", [6, 6, 3]);
  t = b.op(
    {
      op: "conv",
      filters: 4,
      kernel: [3, 3],
      stride: [1, 1],
      pad: [1, 1, 1, 1],
      dilation: [1, 1],
      groups: 1,
      bias: false,
    },
    t,
    [6, 6, 4],
  );
  t = b.op({ op: "batchnorm", eps: 1e-5, momentum: 0.1 }, t, [6, 6, 4]);
  t = b.op({ op: "relu" }, t, [6, 6, 4]);
  const pooled = b.op(
    { op: "maxpool", kernel: [2, 2], stride: [2, 2], pad: [0, 0, 0, 0], includePad: false },
    t,
    [3, 3, 4],
  );
  t = b.op(
    { op: "depthwise", kernel: [3, 3], stride: [1, 1], pad: [1, 1, 1, 1], dilation: [1, 1], multiplier: 2, bias: true },
    pooled,
    [3, 3, 8],
  );
  t = b.op({ op: "swish" }, t, [3, 3, 8]);
  t = b.op({ op: "pointwise", filters: 4, bias: true }, t, [3, 3, 4]);
  t = b.op({ op: "add" }, [t, pooled], [3, 3, 4]);
  t = b.op({ op: "globalavgpool", keepdims: false }, t, [4]);
  t = b.op({ op: "dense", units: 3, bias: true }, t, [3]);
  t = b.op({ op: "log_softmax", axis: 0 }, t, [3]);
  return b.build([t]);
}

describe("a training step matches PyTorch", () => {
  it("forward, backward and running stats", () => {
    const ex = createExecutor(network(), { maxBatch: fixture.batch, training: true, inputGrads: true });
    const params = new Map(
      Object.entries({ ...fixture.params, ...fixture.runningBefore }).map(([k, v]) => [k, Float32Array.from(v)]),
    );
    ex.setParams(params);
    ex.zeroGrads();
    const [out] = ex.forward([Float32Array.from(fixture.input)], fixture.batch);
    expect(relativeError(out, fixture.output, 1e-3)).toBeLessThan(1e-5);
    ex.backward([Float32Array.from(fixture.outGrad)]);
    expect([...ex.grads.keys()].sort()).toEqual(Object.keys(fixture.grads).sort());
    for (const [key, expected] of Object.entries(fixture.grads)) expect(relativeError(ex.grads.get(key)!, expected, 1e-3)).toBeLessThan(1e-4);
    expect(relativeError(ex.inputGrads()[0], fixture.inputGrad, 1e-3)).toBeLessThan(1e-4);
    for (const [key, expected] of Object.entries(fixture.runningAfter))
      expect(relativeError(ex.params.get(key)!, expected, 1e-3)).toBeLessThan(1e-6);
  });
});
