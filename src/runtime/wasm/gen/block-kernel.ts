// z = act(x + α·y [+ bias]) over a rows×cols block of three row-strided matrices (z may be x):
// the additions and the epilogue of Strassen's multiplication (../host/strassen.ts), four
// columns at a time with a scalar tail. Each (bias, activation) combination gets its own loop,
// so the hot loop tests no flags.
import type { Code, ModuleBuilder } from "./emitter.ts";
import { FLAG_BIAS, loadActivation } from "./epilogue.ts";

type Variant = { readonly bias: boolean; readonly act: 0 | 1 | 2 };

/** One column step of `lanes` floats (4: one vector; 1: a scalar) at byte offset `col`. */
function emitColumn(code: Code, lanes: 1 | 4, { bias, act }: Variant): void {
  const vector = lanes === 4;
  const load = () => (vector ? code.v128Load() : code.f32Load());
  const at = (base: string) => code.get(base).get("col").i32Add();
  at("pz");
  at("px");
  load();
  at("py");
  load();
  if (vector) code.get("alphaV").f32x4Mul().f32x4Add();
  else code.get("alpha").f32Mul().f32Add();
  if (bias) {
    at("bias");
    load();
    if (vector) code.f32x4Add();
    else code.f32Add();
  }
  for (const [bound, on] of [[0, act >= 1], [6, act === 2]] as const) {
    if (!on) continue;
    if (vector) code.f32Const(bound).f32x4Splat();
    else code.f32Const(bound);
    if (bound === 0) vector ? code.f32x4Pmax() : code.f32Max();
    else vector ? code.f32x4Pmin() : code.f32Min();
  }
  if (vector) code.v128Store();
  else code.f32Store();
}

function emitRows(code: Code, variant: Variant): void {
  code.get("x").set("px");
  code.get("y").set("py");
  code.get("z").set("pz");
  code.forRange("r", "rows", () => {
    code.i32Const(0).set("col");
    code.forStep("col", "vectorEnd", 16, () => emitColumn(code, 4, variant));
    code.forStep("col", "end", 4, () => emitColumn(code, 1, variant));
    code.get("px").get("ldx").i32Add().set("px");
    code.get("py").get("ldy").i32Add().set("py");
    code.get("pz").get("ldz").i32Add().set("pz");
  });
}

/** Exports `block_combine(rows, cols, x, ldx, y, ldy, alpha, z, ldz, bias, flags)`: strides in
 * bytes; flags carry FLAG_BIAS (bias: cols floats) and the activation. Returns its index. */
export function emitBlockCombine(m: ModuleBuilder): number {
  const { index, code } = m.func("block_combine", [
    ["rows", "i32"], ["cols", "i32"], ["x", "i32"], ["ldx", "i32"], ["y", "i32"], ["ldy", "i32"],
    ["alpha", "f32"], ["z", "i32"], ["ldz", "i32"], ["bias", "i32"], ["flags", "i32"],
  ]);
  for (const l of ["r", "col", "vectorEnd", "end", "px", "py", "pz", "act"]) code.local(l, "i32");
  code.local("alphaV", "v128");
  loadActivation(code, "flags", "act");
  code.get("alpha").f32x4Splat().set("alphaV");
  code.get("cols").i32Const(4).i32Mul().tee("end").i32Const(-16).i32And().set("vectorEnd");
  // Dispatch on (bias, activation): a chain of ifs, one specialised loop nest each.
  const variants: Variant[] = [false, true].flatMap((bias) => ([0, 1, 2] as const).map((act) => ({ bias, act })));
  const dispatch = (i: number): void => {
    const variant = variants[i]!;
    if (i === variants.length - 1) return emitRows(code, variant);
    code.get("flags").i32Const(FLAG_BIAS).i32And().i32Eqz().i32Eqz().i32Const(variant.bias ? 1 : 0).i32Eq();
    code.get("act").i32Const(variant.act).i32Eq().i32And();
    code.if(() => emitRows(code, variant), () => dispatch(i + 1));
  };
  dispatch(0);  return index;
}
