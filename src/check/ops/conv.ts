// The weighted convolutions: conv, depthwise, pointwise, separable, conv_transpose.
// Params and MACs per the spec's conventions; `same` resolved to explicit padding.
import { diagnostic } from "../../diagnostics/catalogue.ts";
import type { Pad4 } from "../../runtime/ops.ts";
import { resolvePad, windowOutput } from "../spatial.ts";
import { requireImage, requirePositiveOutput } from "./require-rank.ts";
import { weight, type OpContext, type OpDef } from "./op-def.ts";

const one: readonly [number, number] = [1, 1];

function padText(pad: Pad4): string {
  return pad.every((p) => p === pad[0]) ? `pad ${pad[0]}` : `pad [${pad.join(", ")}]`;
}

/** Output [H, W] of a strided, padded, dilated window; undefined (reported) below 1. */
function windowShape(
  op: string,
  input: readonly [number, number, number],
  kernel: readonly [number, number],
  stride: readonly [number, number],
  pad: Pad4,
  dilation: readonly [number, number],
  ctx: OpContext,
): readonly [number, number] | undefined {
  const out: [number, number] = [
    windowOutput(input[0], kernel[0], stride[0], pad[0], pad[1], dilation[0]),
    windowOutput(input[1], kernel[1], stride[1], pad[2], pad[3], dilation[1]),
  ];
  const detail = `kernel ${kernel[0]}x${kernel[1]}, stride ${stride[0]}x${stride[1]}, ${padText(pad)}`;
  return requirePositiveOutput(op, input, out, detail, ctx) ? out : undefined;
}

export const conv: OpDef = {
  signature: [
    { name: "filters", required: true },
    { name: "kernel", required: true },
    { name: "stride" },
    { name: "pad" },
    { name: "dilation" },
    { name: "groups" },
    { name: "bias" },
  ],
  build(input, a, ctx) {
    const filters = a.count("filters");
    const kernel = a.kernel("kernel");
    const stride = a.pair("stride", one);
    const padSpec = a.pad("pad");
    const dilation = a.pair("dilation", one);
    const groups = a.count("groups", 1);
    const bias = a.bool("bias", true);
    if (
      filters === undefined ||
      kernel === undefined ||
      stride === undefined ||
      padSpec === undefined ||
      dilation === undefined ||
      groups === undefined ||
      bias === undefined
    )
      return undefined;
    if (!requireImage("conv", input, ctx)) return undefined;
    const cin = input[2];
    if (cin % groups !== 0 || filters % groups !== 0) {
      ctx.report(
        diagnostic(
          "NET3011",
          a.spanOf("groups"),
          `groups = ${groups} must divide both the input channels (${cin}) and the filters (${filters})`,
        ),
      );
      return undefined;
    }
    const pad = resolvePad(padSpec, [input[0], input[1]], kernel, stride, dilation);
    const hw = windowShape("conv", input, kernel, stride, pad, dilation, ctx);
    if (!hw) return undefined;
    const perOutput = kernel[0] * kernel[1] * (cin / groups);
    return {
      attrs: {
        op: "conv",
        filters,
        kernel,
        stride,
        pad,
        dilation,
        groups,
        bias,
      },
      shape: [hw[0], hw[1], filters],
      params: [weight("kernel", [kernel[0], kernel[1], cin / groups, filters]), ...(bias ? [weight("bias", [filters])] : [])],
      macs: hw[0] * hw[1] * filters * perOutput,
    };
  },
};

export const depthwise: OpDef = {
  signature: [
    { name: "kernel", required: true },
    { name: "stride" },
    { name: "pad" },
    { name: "multiplier" },
    { name: "dilation" },
    { name: "bias" },
  ],
  build(input, a, ctx) {
    const kernel = a.kernel("kernel");
    const stride = a.pair("stride", one);
    const padSpec = a.pad("pad");
    const multiplier = a.count("multiplier", 1);
    const dilation = a.pair("dilation", one);
    const bias = a.bool("bias", true);
    if (
      kernel === undefined ||
      stride === undefined ||
      padSpec === undefined ||
      multiplier === undefined ||
      dilation === undefined ||
      bias === undefined
    )
      return undefined;
    if (!requireImage("depthwise", input, ctx)) return undefined;
    const pad = resolvePad(padSpec, [input[0], input[1]], kernel, stride, dilation);
    const hw = windowShape("depthwise", input, kernel, stride, pad, dilation, ctx);
    if (!hw) return undefined;
    const cout = input[2] * multiplier;
    return {
      attrs: {
        op: "depthwise",
        kernel,
        stride,
        pad,
        dilation,
        multiplier,
        bias,
      },
      shape: [hw[0], hw[1], cout],
      params: [weight("kernel", [kernel[0], kernel[1], input[2], multiplier]), ...(bias ? [weight("bias", [cout])] : [])],
      macs: hw[0] * hw[1] * cout * kernel[0] * kernel[1],
    };
  },
};

export const pointwise: OpDef = {
  signature: [{ name: "filters", required: true }, { name: "bias" }],
  build(input, a, ctx) {
    const filters = a.count("filters");
    const bias = a.bool("bias", true);
    if (filters === undefined || bias === undefined) return undefined;
    if (!requireImage("pointwise", input, ctx)) return undefined;
    const [h, w, cin] = input;
    return {
      attrs: { op: "pointwise", filters, bias },
      shape: [h, w, filters],
      params: [weight("kernel", [1, 1, cin, filters]), ...(bias ? [weight("bias", [filters])] : [])],
      macs: h * w * filters * cin,
    };
  },
};

export const separable: OpDef = {
  signature: [
    { name: "filters", required: true },
    { name: "kernel", required: true },
    { name: "stride" },
    { name: "pad" },
    { name: "multiplier" },
    { name: "bias" },
  ],
  build(input, a, ctx) {
    const filters = a.count("filters");
    const kernel = a.kernel("kernel");
    const stride = a.pair("stride", one);
    const padSpec = a.pad("pad");
    const multiplier = a.count("multiplier", 1);
    const bias = a.bool("bias", true);
    if (
      filters === undefined ||
      kernel === undefined ||
      stride === undefined ||
      padSpec === undefined ||
      multiplier === undefined ||
      bias === undefined
    )
      return undefined;
    if (!requireImage("separable", input, ctx)) return undefined;
    const pad = resolvePad(padSpec, [input[0], input[1]], kernel, stride);
    const hw = windowShape("separable", input, kernel, stride, pad, one, ctx);
    if (!hw) return undefined;
    const mid = input[2] * multiplier;
    const depthwiseMacs = hw[0] * hw[1] * mid * kernel[0] * kernel[1];
    const pointwiseMacs = hw[0] * hw[1] * filters * mid;
    return {
      attrs: {
        op: "separable",
        filters,
        kernel,
        stride,
        pad,
        multiplier,
        bias,
      },
      shape: [hw[0], hw[1], filters],
      params: [
        weight("depthwise", [kernel[0], kernel[1], input[2], multiplier]),
        weight("pointwise", [1, 1, mid, filters]),
        ...(bias ? [weight("bias", [filters])] : []),
      ],
      macs: depthwiseMacs + pointwiseMacs,
    };
  },
};

export const convTranspose: OpDef = {
  signature: [
    { name: "filters", required: true },
    { name: "kernel", required: true },
    { name: "stride" },
    { name: "pad" },
    { name: "bias" },
  ],
  build(input, a, ctx) {
    const filters = a.count("filters");
    const kernel = a.kernel("kernel");
    const stride = a.pair("stride", one);
    const padSpec = a.pad("pad");
    const bias = a.bool("bias", true);
    if (filters === undefined || kernel === undefined || stride === undefined || padSpec === undefined || bias === undefined)
      return undefined;
    if (!requireImage("conv_transpose", input, ctx)) return undefined;
    const [h, w, cin] = input;
    const pad = padSpec.kind === "same" ? transposeSamePad(kernel, stride) : padSpec.pad;
    const out: [number, number] = [
      (h - 1) * stride[0] + kernel[0] - pad[0] - pad[1],
      (w - 1) * stride[1] + kernel[1] - pad[2] - pad[3],
    ];
    const detail = `kernel ${kernel[0]}x${kernel[1]}, stride ${stride[0]}x${stride[1]}, ${padText(pad)}`;
    if (!requirePositiveOutput("conv_transpose", input, out, detail, ctx)) return undefined;
    return {
      attrs: { op: "conv_transpose", filters, kernel, stride, pad, bias },
      shape: [out[0], out[1], filters],
      params: [weight("kernel", [kernel[0], kernel[1], filters, cin]), ...(bias ? [weight("bias", [filters])] : [])],
      macs: h * w * cin * kernel[0] * kernel[1] * filters,
    };
  },
};

/** `same` for a transposed conv: output = in·stride; the cropped k − stride rows split with
 * the odd one at the bottom/right (SAME_UPPER). */
function transposeSamePad(kernel: readonly [number, number], stride: readonly [number, number]): Pad4 {
  const th = Math.max(kernel[0] - stride[0], 0);
  const tw = Math.max(kernel[1] - stride[1], 0);
  return [Math.floor(th / 2), th - Math.floor(th / 2), Math.floor(tw / 2), tw - Math.floor(tw / 2)];
}
