// The fused epilogue shared by the GEMM and depthwise kernels: optional bias, optional
// accumulation into the existing output, then an activation. Callers pass these as one i32
// of flags so a single compiled kernel serves every combination.
import type { FusedActivation } from "../../gemm.ts";
import type { Code } from "./emitter.ts";

/** The runtime's fused activations, or "none": the kernels' epilogue flags spell out all three.
 * Everything else runs as a separate elementwise pass. */
export type KernelActivation = FusedActivation | "none";

export const FLAG_ACCUMULATE = 1;
export const FLAG_BIAS = 2;
const ACTIVATION_SHIFT = 2;
const ACTIVATION_CODE: Record<KernelActivation, number> = { none: 0, relu: 1, relu6: 2 };

export function epilogueFlags(o: { accumulate?: boolean; bias?: boolean; activation?: KernelActivation }): number {
  return (
    (o.accumulate ? FLAG_ACCUMULATE : 0) |
    (o.bias ? FLAG_BIAS : 0) |
    (ACTIVATION_CODE[o.activation ?? "none"] << ACTIVATION_SHIFT)
  );
}

/** Emits `if (flags & bit) { body }`. */
export function ifFlag(code: Code, flags: string, bit: number, body: () => void): void {
  code.get(flags).i32Const(bit).i32And();
  code.if(body);
}

/** Emits `into = activation code of flags` (`into` must be an i32 local). */
export function loadActivation(code: Code, flags: string, into: string): void {
  code.get(flags).i32Const(ACTIVATION_SHIFT).i32ShrU().set(into);
}

/**
 * Applies the activation whose code is in local `act` to each named local in place, either
 * v128 (`f32x4.pmax`/`pmin`: one `maxps`/`minps` each) or f32 locals.
 */
export function emitActivation(code: Code, act: string, locals: readonly string[], kind: "v128" | "f32"): void {
  const clamp = (bound: number, op: "max" | "min") => {
    for (const l of locals) {
      code.get(l);
      if (kind === "v128") {
        code.f32Const(bound).f32x4Splat();
        if (op === "max") code.f32x4Pmax();
        else code.f32x4Pmin();
      } else {
        code.f32Const(bound);
        if (op === "max") code.f32Max();
        else code.f32Min();
      }
      code.set(l);
    }
  };
  code.get(act);
  code.if(() => {
    clamp(0, "max");
    code.get(act).i32Const(ACTIVATION_CODE.relu6).i32Eq();
    code.if(() => clamp(6, "min"));
  });
}
