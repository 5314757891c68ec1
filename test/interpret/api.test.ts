// The programmatic API as a TypeScript user calls it.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compile, CompileError } from "../../src/index.ts";

const source = `
model Gate(units = 4) {
  input x: [2]
  dense(units)
  tanh
  dense(1)
  sigmoid
}
train Gate {
  loss: binary_cross_entropy
  optimizer: adam(lr = 0.05)
  batch: 4
  epochs: 60
  validation: 0
  metrics: [accuracy]
}`;

describe("compile()", () => {
  it("compiles with params, trains with fit, predicts, and round-trips weights", async () => {
    const model = compile(source, { params: { units: 8 } });
    expect(model.inputShape).toEqual([2]);
    expect(model.outputShape).toEqual([1]);
    expect(model.paramCount).toBe(2 * 8 + 8 + 8 + 1);
    // XOR: not linearly separable, so learning it proves the hidden layer trains.
    const x = Float32Array.from([0, 0, 0, 1, 1, 0, 1, 1]);
    const y = Float32Array.from([0, 1, 1, 0]);
    const epochs: number[] = [];
    await model.fit(
      { train: { name: "xor", count: 4, sampleShape: [2], x, labels: { kind: "dense", shape: [1], data: y } } },
      { onEpoch: (r) => epochs.push(r.loss) },
    );
    expect(epochs).toHaveLength(60);
    expect(epochs[59]).toBeLessThan(0.1);
    const p = await model.forward(x, 4);
    expect(Array.from(p, (v) => Math.round(v))).toEqual([0, 1, 1, 0]);

    const path = join(mkdtempSync(join(tmpdir(), "netc-api-")), "gate.safetensors");
    model.saveWeights(path);
    const again = compile(source, { params: { units: 8 } });
    again.loadWeights(path);
    expect(await again.forward(x, 4)).toEqual(p);
    await model.dispose();
    await again.dispose();
  });

  it("throws CompileError with the diagnostics, and checks forward's input length", async () => {
    expect(() => compile("model M {\n  input x: [2]\n  dense(4)\n  conv(3, 3x3)\n}\n")).toThrow(CompileError);
    try {
      compile("model M {\n  input x: [2]\n  dense(4)\n  conv(3, 3x3)\n}\n");
    } catch (e) {
      expect((e as CompileError).diagnostics[0].code).toMatch(/^NET3/);
      expect((e as CompileError).message).toContain("<source>:4:3");
    }
    const model = compile(source);
    await expect(model.forward(new Float32Array(3))).rejects.toThrow(/expected 1·2 = 2 values/);
    expect(() => model.loadWeights(new Uint8Array([1, 2, 3]))).toThrow();
  });
});
