// Depthwise convolution on the WebAssembly SIMD kernels: the forward for multiplier 1 runs
// in place on the executor's arena; backward and other multipliers run the JavaScript kernel.
import type { Kernel } from "./kernel.ts";
import { depthwiseKernel } from "./kernels/depthwise.ts";
import type { WasmKernels } from "./wasm/kernels.ts";

/** What the planner asks of the WASM depthwise (its scratch and saved sizes). */
export const wasmDepthwiseSizing: Kernel<"depthwise"> = depthwiseKernel;

/** Depthwise with the SIMD forward for multiplier 1 (backward and other multipliers: JavaScript). */
export function wasmDepthwise(kernels: WasmKernels): Kernel<"depthwise"> {
  return {
    ...wasmDepthwiseSizing,
    forward(call) {
      const { attrs, batch, inShapes, inputs, output, params, activation } = call;
      const [image, weights, bias] = [inputs[0], params[0], params[1]];
      const arrays = bias ? [image, weights, bias, output] : [image, weights, output];
      if (attrs.multiplier !== 1 || arrays.some((x) => x.buffer !== kernels.memory.buffer)) {
        depthwiseKernel.forward(call);
        return;
      }
      const [height, width, channels] = inShapes[0];
      kernels.depthwise(
        {
          batch,
          height,
          width,
          channels,
          kernel: attrs.kernel,
          stride: attrs.stride,
          pad: attrs.pad,
          dilation: attrs.dilation,
        },
        {
          image: image.byteOffset,
          weights: weights.byteOffset,
          bias: bias?.byteOffset,
          activation: activation ?? undefined,
          out: output.byteOffset,
        },
      );
    },
  };
}
