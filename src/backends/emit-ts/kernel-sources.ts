// Where each op's reference kernel lives: the runtime file to inline and the expression (over
// that file's exports) that names the kernel. test/emit checks this table against
// referenceKernels, so a moved kernel fails a test rather than an emitted module.
import type { OpName } from "../../runtime/ops.ts";

export interface KernelSource {
  /** A file under src/runtime/reference/. */
  readonly file: string;
  readonly expression: string;
}

const activation = (op: string): KernelSource => ({
  file: "activation.ts",
  expression: `activationKernels.${op}`,
});

export const KERNEL_SOURCES: { readonly [K in OpName]: KernelSource } = {
  input: { file: "input.ts", expression: "inputKernel" },
  conv: { file: "conv.ts", expression: "convKernel" },
  depthwise: { file: "depthwise.ts", expression: "depthwiseKernel" },
  pointwise: { file: "pointwise.ts", expression: "pointwiseKernel" },
  separable: { file: "separable.ts", expression: "separableKernel" },
  conv_transpose: {
    file: "conv-transpose.ts",
    expression: "convTransposeKernel",
  },
  upsample: { file: "upsample.ts", expression: "upsampleKernel" },
  maxpool: { file: "pool.ts", expression: "maxpoolKernel" },
  avgpool: { file: "pool.ts", expression: "avgpoolKernel" },
  globalavgpool: { file: "global-pool.ts", expression: "globalAvgpoolKernel" },
  globalmaxpool: { file: "global-pool.ts", expression: "globalMaxpoolKernel" },
  dense: { file: "dense.ts", expression: "denseKernel" },
  flatten: { file: "reshape.ts", expression: "flattenKernel" },
  reshape: { file: "reshape.ts", expression: "reshapeKernel" },
  dropout: { file: "dropout.ts", expression: "dropoutKernel" },
  batchnorm: { file: "batchnorm.ts", expression: "batchnormKernel" },
  crop: { file: "crop.ts", expression: "cropKernel" },
  pad: { file: "pad.ts", expression: "padKernel" },
  relu: activation("relu"),
  relu6: activation("relu6"),
  sigmoid: activation("sigmoid"),
  tanh: activation("tanh"),
  swish: activation("swish"),
  hard_swish: activation("hard_swish"),
  gelu: activation("gelu"),
  softplus: activation("softplus"),
  identity: activation("identity"),
  leaky_relu: activation("leaky_relu"),
  elu: activation("elu"),
  exp: activation("exp"),
  log: activation("log"),
  sqrt: activation("sqrt"),
  abs: activation("abs"),
  neg: activation("neg"),
  selu: activation("selu"),
  hard_sigmoid: activation("hard_sigmoid"),
  maxout: { file: "maxout.ts", expression: "maxoutKernel" },
  softmax: { file: "softmax.ts", expression: "softmaxKernel" },
  log_softmax: { file: "softmax.ts", expression: "logSoftmaxKernel" },
  add: { file: "broadcast.ts", expression: "addKernel" },
  mul: { file: "broadcast.ts", expression: "mulKernel" },
  concat: { file: "concat.ts", expression: "concatKernel" },
  embedding: { file: "embedding.ts", expression: "embeddingKernel" },
  positional: { file: "embedding.ts", expression: "positionalKernel" },
  class_token: { file: "embedding.ts", expression: "classTokenKernel" },
  layernorm: { file: "normalization.ts", expression: "layernormKernel" },
  rmsnorm: { file: "normalization.ts", expression: "rmsnormKernel" },
  attention: { file: "attention.ts", expression: "attentionKernel" },
  take: { file: "take.ts", expression: "takeKernel" },
  lstm: { file: "recurrent.ts", expression: "lstmKernel" },
  gru: { file: "recurrent.ts", expression: "gruKernel" },
  sub: { file: "broadcast.ts", expression: "subKernel" },
  div: { file: "broadcast.ts", expression: "divKernel" },
  maximum: { file: "broadcast.ts", expression: "maximumKernel" },
  minimum: { file: "broadcast.ts", expression: "minimumKernel" },
  transpose: { file: "transpose.ts", expression: "transposeKernel" },
  clip: { file: "piecewise.ts", expression: "clipKernel" },
  prelu: { file: "piecewise.ts", expression: "preluKernel" },
  groupnorm: { file: "normalization.ts", expression: "groupnormKernel" },
  instancenorm: { file: "normalization.ts", expression: "instancenormKernel" },
};
