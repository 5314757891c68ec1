// Depthwise convolution on the WebAssembly SIMD kernels: forward and backward for multiplier 1
// run in place on the executor's arena; other multipliers run the JavaScript kernel.
// 3×3 windows (no dilation, stride across 1, or 2 over at least 128 channels) take the
// kernel's packed path, which needs scratch: room for two threads' shares is always planned.
import type { AttrsFor, ForwardCall, Kernel, Shape } from "../../kernel.ts";
import { depthwiseKernel } from "../../reference/depthwise.ts";
import { depthwiseScratchFloats } from "../gen/depthwise-kernel.ts";
import type { ConvWindow, WasmKernels } from "../host/kernels.ts";

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

function geometry({ attrs, batch, inShapes }: ForwardCall<"depthwise">): ConvWindow {
  const [height, width, channels] = inShapes[0];
  return { batch, height, width, channels, kernel: attrs.kernel, stride: attrs.stride, pad: attrs.pad, dilation: attrs.dilation };
}

/** Depthwise on the SIMD kernels for multiplier 1 (other multipliers: JavaScript). */
export function wasmDepthwise(kernels: WasmKernels): Kernel<"depthwise"> {
  const inMemory = (arrays: readonly (Float32Array | null | undefined)[]) => arrays.every((x) => !x || x.buffer === kernels.memory.buffer);
  return {
    ...wasmDepthwiseSizing,
    forward(call) {
      const { attrs, inShapes, inputs, output, params, activation, scratch } = call;
      const [image, weights, bias] = [inputs[0], params[0], params[1]];
      if (attrs.multiplier !== 1 || !inMemory([image, weights, bias, output])) {
        depthwiseKernel.forward(call);
        return;
      }
      // The packed path's scratch, when the executor planned it (this kernel's scratchSize).
      const needed = packedScratchFloats(attrs, inShapes[0], call.outShape);
      const packed = needed > 0 && scratch.buffer === kernels.memory.buffer && scratch.length >= needed;
      kernels.depthwise(
        geometry(call),
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

    backward(call) {
      const { attrs, batch, outShape, inputs, params, outGrad, inGrads, paramGrads } = call;
      const [dx, dweights, dBias] = [inGrads[0], paramGrads[0], paramGrads[1]];
      const dyFloats = batch * outShape[0] * outShape[1] * outShape[2];
      // The bias gradient reads dY's rows as whole vectors: 12 bytes past its end must exist.
      const readable = outGrad.byteOffset + 4 * dyFloats + 16 <= kernels.memory.buffer.byteLength;
      if (attrs.multiplier !== 1 || !inMemory([inputs[0], params[0], outGrad, dx, dweights, dBias]) || (dBias && !readable)) {
        depthwiseKernel.backward(call);
        return;
      }
      if (dx || dweights) {
        kernels.depthwiseGrad(geometry(call), {
          image: inputs[0].byteOffset,
          weights: params[0].byteOffset,
          dy: outGrad.byteOffset,
          dx: dx?.byteOffset,
          dweights: dweights?.byteOffset,
        });
      }
      if (dBias) kernels.columnSums({ n: outShape[2], k: dyFloats / outShape[2], x: outGrad.byteOffset, out: dBias.byteOffset });
    },
  };
}
