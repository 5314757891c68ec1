// Attention's per-head products in one export (inference): for each head, the scores
// S = Q_h·K_hᵀ, their row softmax, and A_h = S·V_h, calling the module's `pack_b`, `gemm` and
// `softmax_rows`. One call from JavaScript per sample instead of five per head (each a few µs
// of argument marshalling, which is most of a head's time at d = 16), and a helper thread can
// take a block of query rows on its own with its own workspace.
import type { ModuleBuilder } from "./emitter.ts";

/** Floats of workspace one thread needs for t queries, s keys and heads of d features: Kᵀ_h
 * packed, the t×s scores, V_h packed. */
export function attentionWorkspaceFloats(t: number, s: number, d: number, panelWidth: number): number {
  const panels = (n: number) => Math.ceil(n / panelWidth) * panelWidth;
  return panels(s) * d + t * s + panels(d) * s;
}

/**
 * Exports `attention_heads(q, k, v, out, t, s, ld, d, h0, h1, scaleBits, offset, ws)`: for heads
 * h in [h0, h1), out_h = softmax(scale·Q_h·K_hᵀ)·V_h, where Q and out are t rows and K and V
 * s rows, all with row stride `ld` floats, head h their columns [h·d, h·d + d). `scaleBits`
 * is the f32 scale's bits (helper threads pass i32 arguments); `offset` as softmax_rows' (≥ 0:
 * causal, row i sees keys 0 … i + offset). `ws`: attentionWorkspaceFloats(t, s, d) floats.
 * Byte addresses.
 */
export function emitAttentionHeads(m: ModuleBuilder, fns: { gemm: number; packB: number; softmaxRows: number }, panelWidth: number): void {
  const { code } = m.func("attention_heads", [
    ["q", "i32"], ["k", "i32"], ["v", "i32"], ["out", "i32"], ["t", "i32"], ["s", "i32"], ["ld", "i32"], ["d", "i32"],
    ["h0", "i32"], ["h1", "i32"], ["scaleBits", "i32"], ["offset", "i32"], ["ws", "i32"],
  ]);
  for (const l of ["h", "col", "row", "packedK", "scores", "packedV"]) code.local(l, "i32");
  const panels = (n: string) => code.get(n).i32Const(panelWidth - 1).i32Add().i32Const(panelWidth).i32DivS().i32Const(4 * panelWidth).i32Mul();
  code.get("ld").i32Const(4).i32Mul().set("row");
  code.get("ws").set("packedK");
  code.get("packedK");
  panels("s");
  code.get("d").i32Mul().i32Add().set("scores");
  code.get("scores").get("t").get("s").i32Mul().i32Const(4).i32Mul().i32Add().set("packedV");
  code.get("h0").set("h");
  code.block(() =>
    code.loop(() => {
      code.get("h").get("h1").i32GeS().brIf(1);
      code.get("h").get("d").i32Mul().i32Const(4).i32Mul().set("col");
      // Kᵀ_h: element (kk, j) is K[j, h·d + kk].
      code.get("d").get("s").get("k").get("col").i32Add().i32Const(4).get("row").get("packedK").call(fns.packB);
      // S = Q_h·K_hᵀ (t×s, row stride s floats).
      code.get("t").get("s").get("d").get("q").get("col").i32Add().get("row").i32Const(4);
      code.get("packedK").get("scores").get("s").i32Const(4).i32Mul().i32Const(0).i32Const(0).call(fns.gemm);
      code.get("scores").get("t").get("s").get("scaleBits").f32ReinterpretI32().get("offset").call(fns.softmaxRows);
      // out_h = S·V_h
      code.get("s").get("d").get("v").get("col").i32Add().get("row").i32Const(4).get("packedV").call(fns.packB);
      code.get("t").get("d").get("s").get("scores").get("s").i32Const(4).i32Mul().i32Const(4);
      code.get("packedV").get("out").get("col").i32Add().get("row").i32Const(0).i32Const(0).call(fns.gemm);
      code.get("h").i32Const(1).i32Add().set("h");
      code.br(0);
    }),
  );
}
