// Batchnorm on the SIMD channel kernels (wasm/gen/channel-kernel.ts), PyTorch semantics as the
// reference kernel (reference/batchnorm.ts), whose saved layout (mean, 1/σ, variance) it keeps:
// - training forward: one pass for the per-channel sums of (x − x₀) and (x − x₀)², x₀ the first
//   pixel (a shift near the mean, so one pass loses nothing to cancellation), added up per
//   block in float64 here; then one pass y = γ/σ·(x − μ) + β (relu fused where inference asks);
// - backward: one pass for Σ dy and Σ dy·(x − μ), then one pass
//   dx += γ/σ·dy − γ/σ²·mean(dy·x̂)·(x − μ) − γ/σ·mean(dy).
// Channels not a multiple of 4, relu6 and arrays outside the kernels' memory go to the reference.
import type { BackwardCall, ForwardCall, Kernel, SizeQuery } from "../../kernel.ts";
import { sizeOf } from "../../kernel.ts";
import { referenceKernels } from "../../reference/registry.ts";
import type { WasmKernels } from "../host/kernels.ts";

/** Pixels per block of sums: 4096 floats a tensor (16 KB; with the second one, in L1). */
function blockPixels(c: number): number {
  return Math.max(1, Math.floor(4096 / c));
}

/** Scratch floats before the block sums: A, B, C and zeros, c floats each. */
const HEAD = 4;

function channels(shape: readonly number[]): number {
  return shape[shape.length - 1]!;
}

function scratchFloats({ inShapes, maxBatch }: SizeQuery<"batchnorm">): number {
  const c = channels(inShapes[0]);
  const pixels = (maxBatch * sizeOf(inShapes[0])) / c;
  return HEAD * c + 2 * c * Math.ceil(pixels / blockPixels(c));
}

/** The reference kernel, looked up in the registry (which `netc compile` cuts down to the ops a
 * model uses, so a model without batchnorm carries none of it). */
const reference = (): Kernel<"batchnorm"> => referenceKernels.batchnorm;

/** The reference kernel with this kernel's scratch: what the arena must be planned with. */
export const wasmBatchnormSizing: Kernel<"batchnorm"> = {
  params: (attrs, inShapes) => reference().params(attrs, inShapes),
  forward: (call) => reference().forward(call),
  backward: (call) => reference().backward(call),
  get backwardReads() {
    return reference()?.backwardReads;
  },
  get fusesActivation() {
    return reference()?.fusesActivation;
  },
  savedSize: (query) => reference().savedSize?.(query) ?? 0,
  scratchSize: (query) => Math.max(reference().scratchSize?.(query) ?? 0, scratchFloats(query)),
};

export function wasmBatchnorm(kernels: WasmKernels): Kernel<"batchnorm"> {
  const buffer = kernels.memory.buffer;
  const ours = (
    call: ForwardCall<"batchnorm">,
    arrays: readonly (Float32Array | null)[],
  ) => {
    const c = channels(call.inShapes[0]);
    const needed =
      HEAD * c +
      2 *
        c *
        Math.ceil((call.batch * sizeOf(call.inShapes[0])) / c / blockPixels(c));
    return (
      c % 4 === 0 &&
      call.scratch.length >= needed &&
      [call.scratch, call.saved, ...call.params, ...arrays].every(
        (x) => !x || x.buffer === buffer,
      )
    );
  };

  /** Per-channel float64 totals of the block sums channel_moments wrote into scratch. */
  const moments = (
    call: ForwardCall<"batchnorm">,
    a: number,
    sa: number,
    b: number,
    sb: number,
  ) => {
    const c = channels(call.inShapes[0]);
    const pixels = (call.batch * sizeOf(call.inShapes[0])) / c;
    const block = blockPixels(c);
    const blocks = Math.ceil(pixels / block);
    const out = call.scratch.subarray(HEAD * c, HEAD * c + 2 * c * blocks);
    kernels.channelMoments({
      a,
      sa,
      b,
      sb,
      pixels,
      c,
      block,
      out: out.byteOffset,
    });
    const s1 = new Float64Array(c);
    const s2 = new Float64Array(c);
    for (let k = 0; k < blocks; k++) {
      const at = 2 * c * k;
      for (let ch = 0; ch < c; ch++) {
        s1[ch] += out[at + ch]!;
        s2[ch] += out[at + c + ch]!;
      }
    }
    return { s1, s2, pixels, c };
  };

  return {
    ...wasmBatchnormSizing,
    forward(call) {
      const {
        attrs,
        inputs,
        output,
        params,
        saved,
        scratch,
        training,
        activation,
      } = call;
      const x = inputs[0]!;
      if (!ours(call, [x, output]) || activation === "relu6")
        return reference().forward(call);
      const [gamma, beta, runningMean, runningVar] = params;
      const c = channels(call.inShapes[0]);
      const pixels = (call.batch * sizeOf(call.inShapes[0])) / c;
      if (training && pixels < 2) return reference().forward(call); // its error
      const mean = saved.subarray(0, c);
      const invStd = saved.subarray(c, 2 * c);
      const variance = saved.subarray(2 * c, 3 * c);
      if (training) {
        const shift = x.subarray(0, c);
        const { s1, s2 } = moments(
          call,
          x.byteOffset,
          x.byteOffset,
          x.byteOffset,
          x.byteOffset,
        );
        const m = attrs.momentum;
        for (let ch = 0; ch < c; ch++) {
          const d = s1[ch]! / pixels;
          mean[ch] = shift[ch]! + d;
          variance[ch] = Math.max(0, s2[ch]! / pixels - d * d);
          runningMean![ch] = (1 - m) * runningMean![ch]! + m * mean[ch]!;
          runningVar![ch] =
            (1 - m) * runningVar![ch]! +
            (m * variance[ch]! * pixels) / (pixels - 1);
        }
      } else {
        mean.set(runningMean!);
        variance.set(runningVar!);
      }
      const scale = scratch.subarray(0, c);
      for (let ch = 0; ch < c; ch++) {
        const inv = 1 / Math.sqrt(variance[ch]! + attrs.eps);
        invStd[ch] = inv;
        scale[ch] = inv * gamma![ch]!;
      }
      kernels.channelAffine({
        a: x.byteOffset,
        sa: mean.byteOffset,
        A: scale.byteOffset,
        C: beta!.byteOffset,
        y: output.byteOffset,
        pixels,
        c,
        relu: activation === "relu",
      });
    },

    backward(call: BackwardCall<"batchnorm">) {
      const {
        inputs,
        params,
        saved,
        scratch,
        training,
        outGrad,
        inGrads,
        paramGrads,
      } = call;
      const x = inputs[0]!;
      const [dx] = inGrads;
      const [dGamma, dBeta] = paramGrads;
      if (!ours(call, [x, outGrad, dx ?? null, dGamma ?? null, dBeta ?? null]))
        return reference().backward(call);
      const gamma = params[0]!;
      const c = channels(call.inShapes[0]);
      const mean = saved.subarray(0, c);
      const invStd = saved.subarray(c, 2 * c);
      const [A, B, C, zeros] = [0, 1, 2, 3].map((k) =>
        scratch.subarray(k * c, (k + 1) * c),
      ) as [Float32Array, Float32Array, Float32Array, Float32Array];
      zeros.fill(0);
      const { s1, s2, pixels } = moments(
        call,
        outGrad.byteOffset,
        zeros.byteOffset,
        x.byteOffset,
        mean.byteOffset,
      );
      for (let ch = 0; ch < c; ch++) {
        if (dGamma) dGamma[ch] += invStd[ch]! * s2[ch]!;
        if (dBeta) dBeta[ch] += s1[ch]!;
      }
      if (!dx) return;
      for (let ch = 0; ch < c; ch++) {
        const inv = invStd[ch]!;
        const k = gamma[ch]! * inv;
        A[ch] = k;
        // With batch statistics, μ and σ depend on x too: dx = γ/σ·(dy − mean(dy) − x̂·mean(dy·x̂)).
        B[ch] = training ? (-k * inv * inv * s2[ch]!) / pixels : 0;
        C[ch] = training ? (-k * s1[ch]!) / pixels : 0;
      }
      kernels.channelAffine({
        a: outGrad.byteOffset,
        sa: zeros.byteOffset,
        A: A.byteOffset,
        b: training
          ? { x: x.byteOffset, shift: mean.byteOffset, scale: B.byteOffset }
          : undefined,
        C: C.byteOffset,
        y: dx.byteOffset,
        pixels,
        c,
        accumulate: true,
      });
    },
  };
}
