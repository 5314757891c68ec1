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
    summary: "Global average pooling: [H, W, C] → [C] or [1, 1, C]; [T, C] → [C], the mean over positions.",
    defaults: { keepdims: "false" },
    choices: boolChoices("keepdims"),
  },
  globalmaxpool: {
    summary: "Global max pooling: [H, W, C] → [C] or [1, 1, C]; [T, C] → [C].",
    defaults: { keepdims: "false" },
    choices: boolChoices("keepdims"),
  },
  dense: {
    summary:
      'Fully connected layer on the last axis: [C] → [units], [T, C] → [T, units]. Params C·units (+ units); tie = "wte" uses that embedding\'s table as the kernel (bias only).',
    defaults: { bias: "true", tie: "none" },
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
  sub: { summary: "Subtracts labelled tensors from the current one (broadcasting as add)." },
  div: { summary: "Divides the current tensor by labelled ones (broadcasting as add)." },
  maximum: { summary: "Elementwise maximum with labelled tensors (broadcasting as add)." },
  minimum: { summary: "Elementwise minimum with labelled tensors (broadcasting as add)." },
  embedding: {
    summary: "Token ids [T] int → rows of a [vocab, dim] table: [T, dim]. Params vocab·dim.",
  },
  positional: {
    summary:
      'Adds rows 0…T−1 of a [length, C] position table to [T, C] (T ≤ length). "learned": length·C params; "sinusoidal": none.',
    defaults: { mode: '"learned"' },
    choices: { mode: ['"learned"', '"sinusoidal"'] },
  },
  class_token: { summary: "Prepends a learned row: [T, C] → [T+1, C] (ViT, BERT's [CLS]). Params C." },
  layernorm: { summary: "Layer normalisation over the last axis. Params 2·C.", defaults: { eps: "1e-5" } },
  rmsnorm: { summary: "RMS normalisation over the last axis (no centring, no beta). Params C.", defaults: { eps: "1e-6" } },
  attention: {
    summary:
      "Multi-head scaled dot-product attention on [T, C] (PyTorch nn.MultiheadAttention). Params 4·C² + 4·C; MACs 4·T·C² + 2·T²·C. context = label: keys and values from that [S, C_ctx] sequence.",
    defaults: { causal: "false", bias: "true", context: "none", dropout: "0" },
    choices: boolChoices("causal", "bias"),
  },
  take: { summary: "One position of a sequence: [T, C] → [C]; a negative index counts from the end." },
  lstm: {
    summary:
      "LSTM (gates i, f, c, o): [T, C] → [units], or [T, units] with return_sequences. Params 4·(units·(C + units) + units).",
    defaults: { return_sequences: "false" },
    choices: boolChoices("return_sequences"),
  },
  gru: {
    summary:
      "GRU (gates z, r, h; PyTorch nn.GRU = Keras reset_after): [T, C] → [units] or [T, units]. Params 3·(units·(C + units) + 2·units).",
    defaults: { return_sequences: "false" },
    choices: boolChoices("return_sequences"),
  },
  transpose: { summary: "Permutes the per-sample axes: transpose([1, 0]) swaps T and C." },
  exp: activation("e^x."),
  log: activation("Natural logarithm."),
  sqrt: activation("Square root."),
  abs: activation("|x|."),
  neg: activation("−x."),
  selu: activation("Scaled ELU with PyTorch's constants (λ ≈ 1.0507, α ≈ 1.6733)."),
  hard_sigmoid: activation("relu6(x + 3) / 6."),
  clip: { summary: "Clamps to [min, max]." },
  prelu: { summary: "Leaky ReLU with a learned slope per channel. Params C." },
  groupnorm: { summary: "Group normalisation (PyTorch nn.GroupNorm): statistics per sample and group. Params 2·C.", defaults: { eps: "1e-5" } },
  instancenorm: {
    summary: "Instance normalisation (PyTorch nn.InstanceNorm2d, affine): statistics per sample and channel. Params 2·C.",
    defaults: { eps: "1e-5" },
  },
};

/** Ops whose positional arguments (or `to =`) are labels of tensors. */
export const labelArgs: Readonly<Record<string, "rest" | string>> = {
  add: "rest",
  sub: "rest",
  mul: "rest",
  div: "rest",
  maximum: "rest",
  minimum: "rest",
  concat: "rest",
  crop: "to",
  attention: "context",
};
