import { describe, expect, it } from "vitest";
import { initializeParams } from "../../src/runtime/init.ts";
import { Rng } from "../../src/runtime/rng.ts";
import { ProgramBuilder } from "./program-builder.ts";

function net() {
  const b = new ProgramBuilder();
  const x = b.input("x", [16, 16, 8]);
  const conv = b.op(
    {
      op: "conv",
      filters: 64,
      kernel: [3, 3],
      stride: [1, 1],
      pad: [1, 1, 1, 1],
      dilation: [1, 1],
      groups: 1,
      bias: false,
    },
    x,
    [16, 16, 64],
  );
  const bn = b.op({ op: "batchnorm", eps: 1e-5, momentum: 0.1 }, conv, [16, 16, 64]);
  const relu = b.op({ op: "relu" }, bn, [16, 16, 64]);
  const sep = b.op(
    { op: "separable", filters: 32, kernel: [3, 3], stride: [1, 1], pad: [1, 1, 1, 1], multiplier: 1, bias: true },
    relu,
    [16, 16, 32],
  );
  const act = b.op({ op: "relu6" }, sep, [16, 16, 32]);
  const gap = b.op({ op: "globalavgpool", keepdims: false }, act, [32]);
  const dense = b.op({ op: "dense", units: 200, bias: true }, gap, [200]);
  const soft = b.op({ op: "softmax", axis: 0 }, dense, [200]);
  return b.build([soft]);
}

function std(values: Float32Array): number {
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  return Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length);
}

describe("initializeParams", () => {
  it("is bit-identical for the same seed and differs for another", () => {
    const a = initializeParams(net(), 7);
    const b = initializeParams(net(), 7);
    const c = initializeParams(net(), 8);
    expect([...a.keys()]).toEqual([...b.keys()]);
    for (const [k, v] of a) expect(Buffer.from(v.buffer).equals(Buffer.from(b.get(k)!.buffer))).toBe(true);
    expect(a.get("conv_0.kernel")).not.toEqual(c.get("conv_0.kernel"));
  });

  it("uses He normal before a ReLU (through batchnorm) and Glorot uniform otherwise", () => {
    const p = initializeParams(net(), 1);
    // conv → batchnorm → relu: He, std √(2 / (3·3·8)).
    expect(std(p.get("conv_0.kernel")!)).toBeCloseTo(Math.sqrt(2 / 72), 2);
    // separable's pointwise feeds relu6: He with fan_in = C_in·multiplier = 64.
    expect(std(p.get("separable_0.pointwise")!)).toBeCloseTo(Math.sqrt(2 / 64), 2);
    // its depthwise part feeds the pointwise: Glorot with fan_in 9, fan_out 9.
    const dw = p.get("separable_0.depthwise")!;
    const dwLimit = Math.sqrt(6 / 18);
    expect(Math.max(...dw.map(Math.abs))).toBeLessThanOrEqual(dwLimit);
    expect(Math.max(...dw.map(Math.abs))).toBeGreaterThan(0.9 * dwLimit);
    // dense → softmax: Glorot uniform, limit √(6 / (32 + 200)), std limit/√3.
    const dense = p.get("dense_0.kernel")!;
    const limit = Math.sqrt(6 / 232);
    expect(Math.max(...dense.map(Math.abs))).toBeLessThanOrEqual(limit);
    expect(std(dense)).toBeCloseTo(limit / Math.sqrt(3), 2);
  });

  it("sets biases and beta to 0, gamma and running var to 1, running mean to 0", () => {
    const p = initializeParams(net(), 1);
    expect(p.get("batchnorm_0.gamma")!.every((v) => v === 1)).toBe(true);
    expect(p.get("batchnorm_0.var")!.every((v) => v === 1)).toBe(true);
    expect(p.get("batchnorm_0.beta")!.every((v) => v === 0)).toBe(true);
    expect(p.get("batchnorm_0.mean")!.every((v) => v === 0)).toBe(true);
    expect(p.get("dense_0.bias")!.every((v) => v === 0)).toBe(true);
    expect(p.get("separable_0.bias")!.length).toBe(32);
  });
});

describe("Rng", () => {
  it("restores its state exactly", () => {
    const rng = new Rng(123);
    for (let i = 0; i < 10; i++) rng.uniform();
    const state = rng.state;
    expect(state.every((w) => Number.isInteger(w) && w >= 0 && w <= 0xffffffff)).toBe(true);
    const first = [rng.nextUint32(), rng.nextUint32(), rng.normal()];
    rng.state = state;
    expect([rng.nextUint32(), rng.nextUint32(), rng.normal()]).toEqual(first);
    expect(() => (rng.state = [0, 0, 0, 0])).toThrow(/not all zero/);
  });

  it("gives uniform values in [0, 1) and standard normals", () => {
    const rng = new Rng(5);
    const u = Float64Array.from({ length: 20000 }, () => rng.uniform());
    expect(Math.min(...u)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...u)).toBeLessThan(1);
    expect(u.reduce((s, v) => s + v, 0) / u.length).toBeCloseTo(0.5, 1);
    const n = Float32Array.from({ length: 20000 }, () => rng.normal());
    expect(n.reduce((s, v) => s + v, 0) / n.length).toBeCloseTo(0, 1);
    expect(std(n)).toBeCloseTo(1, 1);
  });

  it("matches the published xoshiro128** sequence for a known state", () => {
    // Reference: the C implementation at prng.di.unimi.it seeded with s = {1, 2, 3, 4}.
    const rng = new Rng(0);
    rng.state = [1, 2, 3, 4];
    const words = Array.from({ length: 6 }, () => rng.nextUint32());
    expect(words).toEqual([11520, 0, 5927040, 70819200, 2031721883, 1637235492]);
  });
});

describe("initializeParams on sequence layers", () => {
  it("gives tables std 0.02, attention biases 0, the LSTM forget gate bias 1 and prelu 0.25", () => {
    const b = new ProgramBuilder();
    const ids = b.input("ids", [64], "int");
    let x = b.op({ op: "embedding", vocab: 500, dim: 32 }, ids, [64, 32]);
    x = b.op({ op: "positional", length: 64, mode: "learned" }, x, [64, 32]);
    x = b.op({ op: "attention", heads: 4, causal: false, bias: true, dropout: 0, context: false }, x, [64, 32]);
    x = b.op({ op: "prelu" }, x, [64, 32]);
    x = b.op({ op: "lstm", units: 8, returnSequences: false }, x, [8]);
    const params = initializeParams(b.build([x]), 3);
    expect(std(params.get("embedding_0.embeddings")!)).toBeCloseTo(0.02, 2);
    expect(std(params.get("positional_0.embeddings")!)).toBeCloseTo(0.02, 2);
    for (const name of ["query_bias", "key_bias", "value_bias", "output_bias"]) {
      expect([...params.get(`attention_0.${name}`)!].every((v) => v === 0)).toBe(true);
    }
    // Glorot uniform for the projections: limit √(6/(32 + 32)).
    const query = params.get("attention_0.query_kernel")!;
    expect(Math.max(...query.map(Math.abs))).toBeLessThanOrEqual(Math.sqrt(6 / 64));
    expect(std(query)).toBeGreaterThan(0.1);
    expect([...params.get("prelu_0.alpha")!]).toEqual(new Array(32).fill(0.25));
    const bias = [...params.get("lstm_0.bias")!];
    expect(bias).toEqual([...new Array(8).fill(0), ...new Array(8).fill(1), ...new Array(16).fill(0)]);
  });
});
