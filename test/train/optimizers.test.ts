import { describe, expect, it } from "vitest";
import { createOptimizer, type OptimizerConfig } from "../../src/runtime/train/optimizers.ts";
import { expectClose } from "../support/close.ts";
import { refs } from "./refs.ts";

const P0: Record<string, number[]> = { a: [0.5, -1.25, 2.0], b: [0.1, -0.2, 0.3, 0.7] };

/** The generator's gradients: sin(0.7·(base + i) + 1.3·step)·(1 + 0.25·i). */
function gradAt(key: string, step: number): Float32Array {
  const base = key === "a" ? 0 : 10;
  return Float32Array.from(P0[key], (_, i) => Math.sin(0.7 * (base + i) + 1.3 * step) * (1 + 0.25 * i));
}

function toConfig(kind: string, c: Record<string, number | boolean>): OptimizerConfig {
  const n = (k: string) => c[k] as number;
  if (kind === "sgd")
    return {
      kind,
      lr: n("lr"),
      momentum: n("momentum"),
      nesterov: c.nesterov as boolean,
      weightDecay: n("weight_decay"),
    };
  if (kind === "rmsprop")
    return {
      kind,
      lr: n("lr"),
      alpha: n("alpha"),
      eps: n("eps"),
      momentum: n("momentum"),
      weightDecay: n("weight_decay"),
    };
  if (kind === "adam" || kind === "adamw")
    return { kind, lr: n("lr"), beta1: n("beta1"), beta2: n("beta2"), eps: n("eps"), weightDecay: n("weight_decay") };
  throw new Error(kind);
}

const sizes = new Map(Object.entries(P0).map(([k, v]) => [k, v.length]));
const freshParams = () => new Map(Object.entries(P0).map(([k, v]) => [k, Float32Array.from(v)]));
const gradsAt = (step: number) => new Map(Object.keys(P0).map((k) => [k, gradAt(k, step)]));

describe("optimizers match torch.optim trajectories", () => {
  for (const ref of refs.optimizers) {
    it(`${ref.kind} ${JSON.stringify(ref.config)}`, () => {
      const config = toConfig(ref.kind, ref.config);
      const optimizer = createOptimizer(config, sizes);
      const params = freshParams();
      ref.trajectory.forEach((expected, step) => {
        optimizer.step(params, gradsAt(step), config.lr * (1 - 0.05 * step));
        for (const key of Object.keys(P0)) expectClose(params.get(key)!, expected[key], { rtol: 2e-5, atol: 2e-6 });
      });
    });
  }
  it("covers every optimizer kind, nesterov and weight decay", () => {
    const kinds = new Set(refs.optimizers.map((r) => r.kind));
    expect([...kinds].sort()).toEqual(["adam", "adamw", "rmsprop", "sgd"]);
    expect(refs.optimizers.some((r) => r.config.nesterov === true)).toBe(true);
    for (const kind of kinds)
      expect(refs.optimizers.some((r) => r.kind === kind && (r.config.weight_decay as number) > 0)).toBe(true);
  });
});

describe("optimizer formulas by hand", () => {
  const one = (config: OptimizerConfig, p: number, grads: number[], lrs: number[]): number[] => {
    const optimizer = createOptimizer(config, new Map([["w", 1]]));
    const params = new Map([["w", Float32Array.of(p)]]);
    return grads.map((g, i) => {
      optimizer.step(params, new Map([["w", Float32Array.of(g)]]), lrs[i]);
      return params.get("w")![0];
    });
  };
  it("sgd momentum: buffer starts at the first gradient", () => {
    // buf1 = 1, p1 = 1 − 0.1 = 0.9; buf2 = 0.9·1 + 2 = 2.9, p2 = 0.9 − 0.29 = 0.61
    expectClose(
      one({ kind: "sgd", lr: 0.1, momentum: 0.9, nesterov: false, weightDecay: 0 }, 1, [1, 2], [0.1, 0.1]),
      [0.9, 0.61],
    );
    // nesterov: d = g + μ·buf: step 1 d = 1 + 0.9 = 1.9 → p = 1 − 0.19 = 0.81
    expectClose(one({ kind: "sgd", lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 0 }, 1, [1], [0.1]), [0.81]);
  });
  it("adam's first step moves by lr·g/(|g| + eps) thanks to bias correction", () => {
    const [p1] = one({ kind: "adam", lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0 }, 2, [-3], [0.01]);
    expectClose([p1], [2 + 0.01 * (3 / (3 + 1e-8))], { rtol: 1e-7 });
  });
  it("adamw decays the weight before the update, adam adds it to the gradient", () => {
    const c = { lr: 0.1, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.5 };
    // adamw: p = 2·(1 − 0.05) = 1.9, then −0.1·sign(g) with g = 1 → 1.8
    expectClose(one({ kind: "adamw", ...c }, 2, [1], [0.1]), [1.8], { rtol: 1e-6 });
    // adam: g = 1 + 0.5·2 = 2, first step still lr·sign → 1.9
    expectClose(one({ kind: "adam", ...c }, 2, [1], [0.1]), [1.9], { rtol: 1e-6 });
  });
  it("rmsprop: first step is lr·g/(sqrt((1−α)·g²) + eps)", () => {
    const [p1] = one(
      { kind: "rmsprop", lr: 0.01, alpha: 0.99, eps: 1e-8, momentum: 0, weightDecay: 0 },
      1,
      [2],
      [0.01],
    );
    expectClose([p1], [1 - (0.01 * 2) / (Math.sqrt(0.01 * 4) + 1e-8)], { rtol: 1e-6 });
  });
});

describe("optimizer state", () => {
  const config: OptimizerConfig = { kind: "adam", lr: 0.01, beta1: 0.8, beta2: 0.99, eps: 1e-6, weightDecay: 0.1 };
  it("resuming from state() continues the same trajectory", () => {
    const straight = createOptimizer(config, sizes);
    const p1 = freshParams();
    for (let s = 0; s < 8; s++) straight.step(p1, gradsAt(s), 0.01);

    const first = createOptimizer(config, sizes);
    const p2 = freshParams();
    for (let s = 0; s < 4; s++) first.step(p2, gradsAt(s), 0.01);
    const saved = first.state();
    expect(saved.step).toBe(4);
    expect([...saved.slots.keys()].sort()).toEqual(["a/exp_avg", "a/exp_avg_sq", "b/exp_avg", "b/exp_avg_sq"]);
    const resumed = createOptimizer(config, sizes);
    resumed.loadState(saved);
    for (let s = 4; s < 8; s++) resumed.step(p2, gradsAt(s), 0.01);
    for (const key of sizes.keys()) expect(p2.get(key)).toEqual(p1.get(key));
  });
  it("state() is a copy", () => {
    const opt = createOptimizer(config, sizes);
    opt.step(freshParams(), gradsAt(0), 0.01);
    const saved = opt.state();
    const before = saved.slots.get("a/exp_avg")!.slice();
    opt.step(freshParams(), gradsAt(1), 0.01);
    expect(saved.slots.get("a/exp_avg")).toEqual(before);
  });
  it("loadState refuses another kind, missing or mis-sized buffers", () => {
    const opt = createOptimizer(config, sizes);
    const sgd = createOptimizer({ kind: "sgd", lr: 0.1, momentum: 0.9, nesterov: false, weightDecay: 0 }, sizes);
    expect(() => opt.loadState(sgd.state())).toThrow("optimizer state is for sgd, but the train section uses adam");
    const slots = new Map(opt.state().slots);
    slots.delete("b/exp_avg");
    expect(() => opt.loadState({ kind: "adam", step: 1, slots })).toThrow("missing buffer 'b/exp_avg'");
    slots.set("b/exp_avg", new Float32Array(3));
    expect(() => opt.loadState({ kind: "adam", step: 1, slots })).toThrow(
      "buffer 'b/exp_avg' expected 4 values, got 3",
    );
  });
  it("step refuses missing or mis-sized gradients", () => {
    const opt = createOptimizer(config, sizes);
    expect(() => opt.step(freshParams(), new Map([["a", new Float32Array(3)]]), 0.1)).toThrow(
      "gradient for 'b' is missing",
    );
    expect(() =>
      opt.step(
        freshParams(),
        new Map([
          ["a", new Float32Array(3)],
          ["b", new Float32Array(2)],
        ]),
        0.1,
      ),
    ).toThrow("'b' expected 4 values, got parameter 4 and gradient 2");
  });
});
