// Every op of the language (spec section 4) by the name written in a model. Keyed by the
// runtime's OpName so an op the runtime knows but the checker lacks is a compile error.
import type { OpName } from "../../runtime/ops.ts";
import { conv, convTranspose, depthwise, pointwise, separable } from "./conv.ts";
import { dense } from "./dense.ts";
import { attention } from "./attention.ts";
import { activations, batchnorm, clip, dropout, logSoftmax, maxout, prelu, softmax } from "./elementwise.ts";
import { add, concat, div, maximum, minimum, mul, sub } from "./merge.ts";
import { groupnorm, instancenorm, layernorm, rmsnorm } from "./normalization.ts";
import { gru, lstm } from "./recurrent.ts";
import { classToken, embedding, positional, take } from "./sequence.ts";
import { avgpool, globalavgpool, globalmaxpool, maxpool, upsample } from "./pool.ts";
import { crop, flatten, pad, reshape, transpose } from "./shape-ops.ts";
import type { OpDef } from "./op-def.ts";

export const ops: Readonly<Record<Exclude<OpName, "input">, OpDef>> = {
  conv,
  depthwise,
  pointwise,
  separable,
  conv_transpose: convTranspose,
  upsample,
  maxpool,
  avgpool,
  globalavgpool,
  globalmaxpool,
  dense,
  flatten,
  reshape,
  dropout,
  batchnorm,
  crop,
  pad,
  ...activations,
  maxout,
  softmax,
  log_softmax: logSoftmax,
  add,
  mul,
  concat,
  embedding,
  positional,
  class_token: classToken,
  layernorm,
  rmsnorm,
  attention,
  take,
  lstm,
  gru,
  sub,
  div,
  maximum,
  minimum,
  transpose,
  clip,
  prelu,
  groupnorm,
  instancenorm,
};

export function isOpName(name: string): name is keyof typeof ops {
  return Object.hasOwn(ops, name);
}
