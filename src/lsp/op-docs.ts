// What an editor shows about each op beyond its signature (which comes from the checker's op
// registry): a one-line summary, the defaults of optional arguments as written in
// LANGUAGE.md section 4, and the option words an argument takes. test/lsp/op-docs.test.ts
// keeps this table in step with the registry.
import type { ops } from "../check/ops/registry.ts";

export interface OpDoc {
  readonly summary: string;
  /** Default of each optional argument, as source text. */
  readonly defaults?: Readonly<Record<string, string>>;
  /** Option words (or strings) an argument takes, for completion after `name =`. */
  readonly choices?: Readonly<Record<string, readonly string[]>>;
}

const padChoices = { pad: ["valid", "same"] };
const boolChoices = (...names: string[]): Record<string, readonly string[]> =>
  Object.fromEntries(names.map((n) => [n, ["true", "false"]]));
const activation = (summary: string): OpDoc => ({ summary });

export const opDocs: Readonly<Record<keyof typeof ops, OpDoc>> = {
  conv: {
    summary: "2-D convolution. Params k_h·k_w·C_in/groups·filters (+ filters).",
    defaults: { stride: "1", pad: "valid", dilation: "1", groups: "1", bias: "true" },
    choices: { ...padChoices, ...boolChoices("bias") },
  },
  depthwise: {
    summary: "Depthwise convolution: C_out = C_in·multiplier.",
    defaults: { stride: "1", pad: "valid", multiplier: "1", dilation: "1", bias: "true" },
    choices: { ...padChoices, ...boolChoices("bias") },
  },
  pointwise: {
    summary: "1x1 convolution. Params C_in·filters (+ filters).",
    defaults: { bias: "true" },
    choices: boolChoices("bias"),
  },
  separable: {
    summary: "Depthwise then pointwise convolution (bias on the pointwise only).",
    defaults: { stride: "1", pad: "valid", multiplier: "1", bias: "true" },
    choices: { ...padChoices, ...boolChoices("bias") },
  },
  conv_transpose: {
    summary: "Transposed convolution: (in-1)·stride + k - pads.",
    defaults: { stride: "1", pad: "valid", bias: "true" },
    choices: { ...padChoices, ...boolChoices("bias") },
  },
  upsample: {
    summary: "Upsampling: H·factor, W·factor.",
    defaults: { factor: "2", mode: '"nearest"' },
    choices: { mode: ['"nearest"', '"bilinear"'] },
  },
  maxpool: {
    summary: "Max pooling (pads with −∞).",
    defaults: { stride: "kernel", pad: "valid" },
    choices: padChoices,
  },
  avgpool: {
    summary: "Average pooling; padding is left out of the mean unless include_pad = true.",
    defaults: { stride: "kernel", pad: "valid", include_pad: "false" },
    choices: { ...padChoices, ...boolChoices("include_pad") },
  },
  globalavgpool: {
    summary: "Global average pooling: [C] or [1, 1, C].",
    defaults: { keepdims: "false" },
    choices: boolChoices("keepdims"),
  },
  globalmaxpool: {
    summary: "Global max pooling: [C] or [1, 1, C].",
    defaults: { keepdims: "false" },
    choices: boolChoices("keepdims"),
  },
  dense: {
    summary: "Fully connected layer on a rank-1 input. Params in·units (+ units).",
    defaults: { bias: "true" },
    choices: boolChoices("bias"),
  },
  flatten: { summary: "Flattens H, W, C (row-major NHWC) to one dimension." },
  reshape: { summary: "Reshapes, keeping the element count (-1 once infers a dimension)." },
  dropout: { summary: "Dropout during training; identity in inference." },
  batchnorm: {
    summary: "Batch normalisation. Params 4·C (2·C non-trainable).",
    defaults: { eps: "1e-5", momentum: "0.1" },
  },
  crop: { summary: "Centre crop to the H, W of a labelled tensor (U-Net)." },
  pad: {
    summary: 'Pads H and W; "mirror" reflects without repeating the edge.',
    defaults: { mode: '"zero"' },
    choices: { mode: ['"zero"', '"mirror"'] },
  },
  relu: activation("max(0, x)."),
  relu6: activation("min(max(0, x), 6)."),
  sigmoid: activation("1 / (1 + e^−x)."),
  tanh: activation("Hyperbolic tangent."),
  swish: activation("x · sigmoid(x)."),
  hard_swish: activation("x · relu6(x + 3) / 6."),
  gelu: activation("Exact (erf) GELU."),
  softplus: activation("ln(1 + e^x)."),
  identity: activation("Passes the tensor through."),
  leaky_relu: { summary: "x for x > 0, alpha·x otherwise.", defaults: { alpha: "0.01" } },
  elu: { summary: "x for x > 0, alpha·(e^x − 1) otherwise.", defaults: { alpha: "1.0" } },
  maxout: { summary: "Max over consecutive groups of k channels: C_out = C_in / k." },
  softmax: { summary: "Softmax along an axis.", defaults: { axis: "-1" } },
  log_softmax: { summary: "Log-softmax along an axis.", defaults: { axis: "-1" } },
  add: { summary: "Adds labelled tensors to the current one (NHWC broadcasting)." },
  mul: { summary: "Multiplies the current tensor by labelled ones (NHWC broadcasting)." },
  concat: { summary: "Concatenates labelled tensors to the current one along an axis.", defaults: { axis: "-1" } },
};

/** Ops whose positional arguments (or `to =`) are labels of tensors. */
export const labelArgs: Readonly<Record<string, "rest" | string>> = {
  add: "rest",
  mul: "rest",
  concat: "rest",
  crop: "to",
};
