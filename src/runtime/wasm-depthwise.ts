// Depthwise convolution on the WebAssembly SIMD kernels: the forward for multiplier 1 runs
// in place on the executor's arena; backward and other multipliers run the JavaScript kernel.
// 3×3 windows (no dilation, stride across 1, or 2 over at least 128 channels) take the
// kernel's packed path, which needs scratch: room for two threads' shares is always planned.
import type { AttrsFor, Kernel, Shape } from "./kernel.ts";
import { depthwiseKernel } from "./kernels/depthwise.ts";
import { depthwiseScratchFloats } from "./wasm/depthwise-kernel.ts";
import type { WasmKernels } from "./wasm/kernels.ts";

/** Floats of scratch the packed path needs for two threads (0 where it does not apply). */
function packedScratchFloats(attrs: AttrsFor<"depthwise">, inShape: Shape, outShape: Shape): number {
  const [kh, kw] = attrs.kernel;
  const packed = attrs.multiplier === 1 && kh === 3 && kw === 3 && attrs.dilation[0] === 1 && attrs.dilation[1] === 1;
  const sw = attrs.stride[1];
  return packed && (sw === 1 || (sw === 2 && inShape[2]! >= 128)) ? 2 * depthwiseScratchFloats(inShape[2]!, outShape[1]!, sw) : 0;
}

/** What the planner asks of the WASM depthwise (its scratch and saved sizes). */
export const wasmDepthwiseSizing: Kernel<"depthwise"> = {
  ...depthwiseKernel,
  scratchSize(query) {
    return Math.max(depthwiseKernel.scratchSize?.(query) ?? 0, packedScratchFloats(query.attrs, query.inShapes[0]!, query.outShape));
  },
};

/** Depthwise with the SIMD forward for multiplier 1 (backward and other multipliers: JavaScript). */
export function wasmDepthwise(kernels: WasmKernels): Kernel<"depthwise"> {
  return {
    ...wasmDepthwiseSizing,
    forward(call) {
      const { attrs, batch, inShapes, inputs, output, params, activation, scratch } = call;
      const [image, weights, bias] = [inputs[0], params[0], params[1]];
      const arrays = bias ? [image, weights, bias, output] : [image, weights, output];
      if (attrs.multiplier !== 1 || arrays.some((x) => x.buffer !== kernels.memory.buffer)) {
        depthwiseKernel.forward(call);
        return;
      }
      const [height, width, channels] = inShapes[0];
      // The packed path's scratch, when the executor planned it (this kernel's scratchSize).
      const needed = packedScratchFloats(attrs, inShapes[0], call.outShape);
      const packed = needed > 0 && scratch.buffer === kernels.memory.buffer && scratch.length >= needed;
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
          scratch: packed ? scratch.byteOffset : undefined,
          scratchFloats: packed ? needed : undefined,
        },
      );
    },
  };
}
