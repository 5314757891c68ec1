// Every op of the language (spec section 4) by the name written in a model. Keyed by the
// runtime's OpName so an op the runtime knows but the checker lacks is a compile error.
import type { OpName } from "../../runtime/ops.ts";
import { conv, convTranspose, depthwise, pointwise, separable } from "./conv.ts";
import { dense } from "./dense.ts";
import { activations, batchnorm, dropout, logSoftmax, maxout, softmax } from "./elementwise.ts";
import { add, concat, mul } from "./merge.ts";
import { avgpool, globalavgpool, globalmaxpool, maxpool, upsample } from "./pool.ts";
import { crop, flatten, pad, reshape } from "./shape-ops.ts";
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
};

export function isOpName(name: string): name is keyof typeof ops {
  return Object.hasOwn(ops, name);
}
