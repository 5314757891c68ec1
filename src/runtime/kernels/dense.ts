// Dense (fully connected) layer on rank-1 samples. Kernel [in, units].
import type { ParamSpec } from "../ops.ts";
import type { Kernel } from "../kernel.ts";
import { linearBackward, linearForward } from "./linear.ts";

export const denseKernel: Kernel<"dense"> = {
  fusesActivation: true,
  backwardReads: { inputs: true, output: false },
  params(a, [inShape]) {
    const specs: ParamSpec[] = [{ name: "kernel", shape: [inShape[0], a.units], trainable: true }];
    if (a.bias) specs.push({ name: "bias", shape: [a.units], trainable: true });
    return specs;
  },

  forward({ attrs, batch, inShapes, inputs, output, params, gemm, activation }) {
    linearForward(gemm, batch, inShapes[0][0], attrs.units, inputs[0], params[0], params[1], output, activation);
  },

  backward({ attrs, batch, inShapes, inputs, params, gemm, outGrad, inGrads, paramGrads }) {
    linearBackward(
      gemm,
      batch,
      inShapes[0][0],
      attrs.units,
      inputs[0],
      params[0],
      outGrad,
      inGrads[0],
      paramGrads[0],
      paramGrads[1] ?? null,
    );
  },
};
