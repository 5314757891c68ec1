// Pointwise (1x1) convolution: a matrix product over all pixels. Kernel [1, 1, C_in, filters].
import type { ParamSpec } from "../ops.ts";
import type { Kernel } from "../kernel.ts";
import { sizeOf } from "../kernel.ts";
import { linearBackward, linearForward } from "./linear.ts";

export const pointwiseKernel: Kernel<"pointwise"> = {
  fusesActivation: true,
  backwardReads: { inputs: true, output: false },
  params(a, [inShape]) {
    const specs: ParamSpec[] = [
      { name: "kernel", shape: [1, 1, inShape[inShape.length - 1], a.filters], trainable: true },
    ];
    if (a.bias) specs.push({ name: "bias", shape: [a.filters], trainable: true });
    return specs;
  },

  forward({ attrs, batch, inShapes, inputs, output, params, gemm, activation }) {
    const inC = inShapes[0][inShapes[0].length - 1];
    const rows = (batch * sizeOf(inShapes[0])) / inC;
    linearForward(gemm, rows, inC, attrs.filters, inputs[0], params[0], params[1], output, activation);
  },

  backward({ attrs, batch, inShapes, inputs, params, gemm, outGrad, inGrads, paramGrads }) {
    const inC = inShapes[0][inShapes[0].length - 1];
    const rows = (batch * sizeOf(inShapes[0])) / inC;
    linearBackward(
      gemm,
      rows,
      inC,
      attrs.filters,
      inputs[0],
      params[0],
      outGrad,
      inGrads[0],
      paramGrads[0],
      paramGrads[1] ?? null,
    );
  },
};
