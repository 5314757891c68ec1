// Pooling and resampling: maxpool, avgpool, globalavgpool, globalmaxpool, upsample. No params.
import { resolvePad, windowOutput } from "../spatial.ts";
import { requireImage, requirePositiveOutput } from "./require-rank.ts";
import { type OpDef } from "./op-def.ts";

function pool(op: "maxpool" | "avgpool"): OpDef {
  return {
    signature: [
      { name: "kernel", required: true },
      { name: "stride" },
      { name: "pad" },
      ...(op === "avgpool" ? [{ name: "include_pad" }] : []),
    ],
    build(input, a, ctx) {
      const kernel = a.kernel("kernel");
      const stride = a.has("stride") ? a.pair("stride") : kernel;
      const padSpec = a.pad("pad");
      const includePad = a.bool("include_pad", false);
      if (kernel === undefined || stride === undefined || padSpec === undefined || includePad === undefined) return undefined;
      if (!requireImage(op, input, ctx)) return undefined;
      const pad = resolvePad(padSpec, [input[0], input[1]], kernel, stride);
      const out: [number, number] = [
        windowOutput(input[0], kernel[0], stride[0], pad[0], pad[1]),
        windowOutput(input[1], kernel[1], stride[1], pad[2], pad[3]),
      ];
      const detail = `kernel ${kernel[0]}x${kernel[1]}, stride ${stride[0]}x${stride[1]}`;
      if (!requirePositiveOutput(op, input, out, detail, ctx)) return undefined;
      return {
        attrs: { op, kernel, stride, pad, includePad },
        shape: [out[0], out[1], input[2]],
        params: [],
        macs: 0,
      };
    },
  };
}

function globalPool(op: "globalavgpool" | "globalmaxpool"): OpDef {
  return {
    signature: [{ name: "keepdims" }],
    build(input, a, ctx) {
      const keepdims = a.bool("keepdims", false);
      if (keepdims === undefined) return undefined;
      // A sequence [T, C] pools over its positions (spec section 11).
      if (input.length === 2) {
        return { attrs: { op, keepdims }, shape: keepdims ? [1, input[1]!] : [input[1]!], params: [], macs: 0 };
      }
      if (!requireImage(op, input, ctx, "an [H, W, C] image or a [T, C] sequence")) return undefined;
      return {
        attrs: { op, keepdims },
        shape: keepdims ? [1, 1, input[2]] : [input[2]],
        params: [],
        macs: 0,
      };
    },
  };
}

export const maxpool = pool("maxpool");
export const avgpool = pool("avgpool");
export const globalavgpool = globalPool("globalavgpool");
export const globalmaxpool = globalPool("globalmaxpool");

export const upsample: OpDef = {
  signature: [{ name: "factor" }, { name: "mode" }],
  build(input, a, ctx) {
    const factor = a.count("factor", 2);
    const mode = a.option("mode", ["nearest", "bilinear"] as const, "nearest");
    if (factor === undefined || mode === undefined || !requireImage("upsample", input, ctx)) return undefined;
    return {
      attrs: { op: "upsample", factor, mode },
      shape: [input[0] * factor, input[1] * factor, input[2]],
      params: [],
      macs: 0,
    };
  },
};
