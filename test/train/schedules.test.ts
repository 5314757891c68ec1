import { describe, expect, it } from "vitest";
import { lrAt, schedulePosition, type DecayConfig } from "../../src/runtime/train/schedules.ts";
import { expectClose } from "../support/close.ts";
import { refs } from "./refs.ts";

describe("schedules match torch.optim.lr_scheduler", () => {
  for (const ref of refs.schedules) {
    it(`${JSON.stringify(ref.decay)} warmup ${ref.warmup}`, () => {
      const decay = ref.decay as unknown as DecayConfig;
      const lrs = ref.lrs.map((_, t) => lrAt({ decay, warmup: ref.warmup }, 0.1, t));
      expectClose(lrs, ref.lrs, { rtol: 1e-9, atol: 1e-12 });
    });
  }
});

describe("schedules by hand", () => {
  it("exponential(rate = k) is base·e^(−k·t)", () => {
    const decay: DecayConfig = { kind: "exponential_rate", rate: 0.5 };
    expect(lrAt({ decay, warmup: 0 }, 0.2, 0)).toBe(0.2);
    expectClose([lrAt({ decay, warmup: 0 }, 0.2, 3)], [0.2 * Math.exp(-1.5)], { rtol: 1e-15 });
  });
  it("step(every, gamma) drops at multiples of every", () => {
    const decay: DecayConfig = { kind: "step", every: 10, gamma: 0.1 };
    expect([9, 10, 19, 20].map((t) => lrAt({ decay, warmup: 0 }, 1, t))).toEqual([1, 0.1, 0.1, 0.1 ** 2]);
  });
  it("cosine reaches min_lr at t_max, then climbs back as torch's closed form", () => {
    const decay: DecayConfig = { kind: "cosine", tMax: 4, minLr: 0.01 };
    expectClose([lrAt({ decay, warmup: 0 }, 0.1, 2)], [0.01 + 0.09 / 2], { rtol: 1e-15 });
    expectClose([lrAt({ decay, warmup: 0 }, 0.1, 4)], [0.01], { rtol: 1e-15 });
    expectClose([lrAt({ decay, warmup: 0 }, 0.1, 8)], [0.1], { rtol: 1e-15 });
  });
  it("warmup: base·(t+1)/n for t < n, then the decay from its own t = 0", () => {
    const decay: DecayConfig = { kind: "exponential", gamma: 0.5 };
    const lrs = [0, 1, 2, 3, 4, 5].map((t) => lrAt({ decay, warmup: 4 }, 0.8, t));
    expectClose(lrs, [0.2, 0.4, 0.6, 0.8, 0.8, 0.4], { rtol: 1e-15 });
  });
  it("the position counts epochs or steps per decay_per", () => {
    expect(schedulePosition("epoch", 3, 250)).toBe(3);
    expect(schedulePosition("step", 3, 250)).toBe(250);
  });
  it("refuses a negative or fractional position", () => {
    expect(() => lrAt({ decay: { kind: "none" }, warmup: 0 }, 0.1, -1)).toThrow("non-negative integer");
  });
});
