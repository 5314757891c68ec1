// The kernel of every op, in one typed table: adding an op to ops.ts without a kernel here is
// a compile error.
import type { KernelTable } from "../kernel.ts";
import { activationKernels } from "./activation.ts";
import { batchnormKernel } from "./batchnorm.ts";
import { attentionKernel } from "./attention.ts";
import { addKernel, divKernel, maximumKernel, minimumKernel, mulKernel, subKernel } from "./broadcast.ts";
import { concatKernel } from "./concat.ts";
import { convTransposeKernel } from "./conv-transpose.ts";
import { convKernel } from "./conv.ts";
import { cropKernel } from "./crop.ts";
import { denseKernel } from "./dense.ts";
import { depthwiseKernel } from "./depthwise.ts";
import { dropoutKernel } from "./dropout.ts";
import { classTokenKernel, embeddingKernel, positionalKernel } from "./embedding.ts";
import { globalAvgpoolKernel, globalMaxpoolKernel } from "./global-pool.ts";
import { inputKernel } from "./input.ts";
import { maxoutKernel } from "./maxout.ts";
import { groupnormKernel, instancenormKernel, layernormKernel, rmsnormKernel } from "./normalization.ts";
import { padKernel } from "./pad.ts";
import { clipKernel, preluKernel } from "./piecewise.ts";
import { pointwiseKernel } from "./pointwise.ts";
import { avgpoolKernel, maxpoolKernel } from "./pool.ts";
import { gruKernel, lstmKernel } from "./recurrent.ts";
import { flattenKernel, reshapeKernel } from "./reshape.ts";
import { separableKernel } from "./separable.ts";
import { takeKernel } from "./take.ts";
import { transposeKernel } from "./transpose.ts";
import { logSoftmaxKernel, softmaxKernel } from "./softmax.ts";
import { upsampleKernel } from "./upsample.ts";

export const referenceKernels: KernelTable = {
  input: inputKernel,
  conv: convKernel,
  depthwise: depthwiseKernel,
  pointwise: pointwiseKernel,
  separable: separableKernel,
  conv_transpose: convTransposeKernel,
  upsample: upsampleKernel,
  maxpool: maxpoolKernel,
  avgpool: avgpoolKernel,
  globalavgpool: globalAvgpoolKernel,
  globalmaxpool: globalMaxpoolKernel,
  dense: denseKernel,
  flatten: flattenKernel,
  reshape: reshapeKernel,
  dropout: dropoutKernel,
  batchnorm: batchnormKernel,
  crop: cropKernel,
  pad: padKernel,
  ...activationKernels,
  maxout: maxoutKernel,
  softmax: softmaxKernel,
  log_softmax: logSoftmaxKernel,
  add: addKernel,
  mul: mulKernel,
  concat: concatKernel,
  embedding: embeddingKernel,
  positional: positionalKernel,
  class_token: classTokenKernel,
  layernorm: layernormKernel,
  rmsnorm: rmsnormKernel,
  attention: attentionKernel,
  take: takeKernel,
  lstm: lstmKernel,
  gru: gruKernel,
  sub: subKernel,
  div: divKernel,
  maximum: maximumKernel,
  minimum: minimumKernel,
  transpose: transposeKernel,
  clip: clipKernel,
  prelu: preluKernel,
  groupnorm: groupnormKernel,
  instancenorm: instancenormKernel,
};
