import { describe, expect, it } from "vitest";
import type { Lifetime } from "../../src/runtime/exec/memory-plan.ts";
import { planOffsets } from "../../src/runtime/exec/memory-plan.ts";

/** Whether two placed buffers overlap in both time and memory. */
function clash(a: Lifetime, oa: number, b: Lifetime, ob: number): boolean {
  const timeOverlap = a.start <= b.end && b.start <= a.end;
  const memoryOverlap = oa < ob + b.size && ob < oa + a.size;
  return timeOverlap && memoryOverlap;
}

describe("planOffsets", () => {
  it("reuses memory of buffers that are dead and keeps live ones apart", () => {
    const chain: Lifetime[] = [
      { size: 100, start: 0, end: 1 },
      { size: 100, start: 1, end: 2 },
      { size: 100, start: 2, end: 3 },
      { size: 100, start: 3, end: 4 },
    ];
    const { offsets, total } = planOffsets(chain);
    expect(total).toBe(200); // a chain needs only two buffers, ping-ponged
    expect(offsets[0]).toBe(offsets[2]);
    expect(offsets[1]).toBe(offsets[3]);
    expect(offsets[0]).not.toBe(offsets[1]);
  });

  it("never places overlapping lifetimes on overlapping memory (random plans)", () => {
    let seed = 1;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (let trial = 0; trial < 50; trial++) {
      const lifetimes: Lifetime[] = Array.from({ length: 30 }, () => {
        const start = random(20);
        return { size: 1 + random(50), start, end: start + random(6) };
      });
      const { offsets, total } = planOffsets(lifetimes);
      for (let i = 0; i < lifetimes.length; i++) {
        expect(offsets[i] % 4).toBe(0);
        expect(offsets[i] + lifetimes[i].size).toBeLessThanOrEqual(total);
        for (let j = i + 1; j < lifetimes.length; j++) {
          expect(clash(lifetimes[i], offsets[i], lifetimes[j], offsets[j])).toBe(false);
        }
      }
      expect(total).toBeLessThan(lifetimes.reduce((s, l) => s + l.size + 3, 0));
    }
  });
});
