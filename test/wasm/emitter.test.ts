import { describe, expect, it } from "vitest";
import { ModuleBuilder, sleb, uleb } from "../../src/runtime/wasm/gen/emitter.ts";
import { wasm } from "../../src/runtime/wasm/host/webassembly-api.ts";

describe("wasm emitter", () => {
  it("encodes LEB128 as the spec's examples", () => {
    expect(uleb(0)).toEqual([0]);
    expect(uleb(127)).toEqual([0x7f]);
    expect(uleb(128)).toEqual([0x80, 0x01]);
    expect(uleb(624485)).toEqual([0xe5, 0x8e, 0x26]);
    expect(uleb(0x105)).toEqual([0x85, 0x02]); // f32x4.relaxed_madd's opcode
    expect(sleb(-1)).toEqual([0x7f]);
    expect(sleb(63)).toEqual([0x3f]);
    expect(sleb(64)).toEqual([0xc0, 0x00]);
    expect(sleb(-123456)).toEqual([0xc0, 0xbb, 0x78]);
  });

  it("builds a module whose loop, memory and SIMD ops run", () => {
    const m = new ModuleBuilder({ shared: false });
    // sum4(p, n): sum of n f32x4 vectors at p, reduced to a scalar.
    const { code } = m.func("sum4", [["p", "i32"], ["n", "i32"]], ["f32"]);
    code.local("i", "i32");
    code.local("acc", "v128");
    code.forRange("i", "n", () => {
      code.get("acc").get("p").get("i").i32Const(16).i32Mul().i32Add().v128Load().f32x4Add().set("acc");
    });
    code.get("acc").f32x4ExtractLane(0).get("acc").f32x4ExtractLane(1).f32Add();
    code.get("acc").f32x4ExtractLane(2).f32Add().get("acc").f32x4ExtractLane(3).f32Add();
    const bytes = m.encode();
    expect(wasm.validate(bytes)).toBe(true);
    const memory = new wasm.Memory({ initial: 1 });
    const f32 = new Float32Array(memory.buffer);
    for (let i = 0; i < 40; i++) f32[i] = i;
    const exports = new wasm.Instance(new wasm.Module(bytes), { env: { memory } }).exports as { sum4(p: number, n: number): number };
    expect(exports.sum4(0, 10)).toBe((39 * 40) / 2);
    expect(exports.sum4(16, 2)).toBe(4 + 5 + 6 + 7 + 8 + 9 + 10 + 11);
  });

  it("rejects unknown and duplicate locals with a clear message", () => {
    const m = new ModuleBuilder({ shared: true });
    const { code } = m.func("f", [["x", "i32"]]);
    expect(() => code.get("y")).toThrow(/unknown local 'y'/);
    expect(() => code.local("x", "i32")).toThrow(/declared twice/);
  });
});
