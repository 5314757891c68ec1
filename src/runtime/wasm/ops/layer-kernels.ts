// Backend kernels (see ../../exec/backend.ts) for the element-wise activations, the pools and
// the common broadcasts of add and mul on the SIMD kernels of src/runtime/wasm/gen/: forward
// and backward run in place on the executor's arena. Arrays outside the kernels' memory, and
// other broadcasts, go to the reference kernels, which these match to float32 rounding.
import type { AttrsFor, ForwardCall, Kernel, KernelTable } from "../../kernel.ts";
import { sizeOf } from "../../kernel.ts";
import { activationKernels } from "../../reference/activation.ts";
import { globalAvgpoolKernel, globalMaxpoolKernel } from "../../reference/global-pool.ts";
import { avgpoolKernel, maxpoolKernel } from "../../reference/pool.ts";
import { addKernel, mulKernel } from "../../reference/broadcast.ts";
import { layernormKernel, rmsnormKernel } from "../../reference/normalization.ts";
import { softmaxKernel } from "../../reference/softmax.ts";
import type { ElementwiseActivation, PoolGeometry, WasmKernels } from "../host/kernels.ts";
import { GRAD_FROM_INPUT } from "../gen/elementwise-kernel.ts";

function inMemory(kernels: WasmKernels, arrays: readonly (Float32Array | null)[]): boolean {
  return arrays.every((x) => x === null || x.buffer === kernels.memory.buffer);
}

function activation<K extends ElementwiseActivation>(kernels: WasmKernels, kind: K): Kernel<K> {
  const reference = activationKernels[kind] as Kernel<K>;
  return {
    ...reference,
    forward(call) {
      const [x] = call.inputs;
      if (!inMemory(kernels, [x, call.output])) return reference.forward(call);
      const n = call.batch * sizeOf(call.outShape);
      kernels.activation(kind, { x: x.byteOffset, y: call.output.byteOffset, n });
    },
    backward(call) {
      const [dx] = call.inGrads;
      if (!dx) return;
      // The derivative's argument: the output, or the input for swish and GELU (as the reference's).
      const from = GRAD_FROM_INPUT.has(kind) ? call.inputs[0] : call.output;
      if (!inMemory(kernels, [from, call.outGrad, dx])) return reference.backward(call);
      const n = call.batch * sizeOf(call.outShape);
      kernels.activationGrad(kind, { y: from.byteOffset, dy: call.outGrad.byteOffset, dx: dx.byteOffset, n });
    },
  };
}

type PoolOp = "maxpool" | "avgpool" | "globalmaxpool" | "globalavgpool";

/** The pool's window. A global pool is one window over all positions (any rank), seen as a
 * pixels×1 image; its output, [1, 1, C] or [C], is the same floats either way. */
function poolGeometry(call: ForwardCall<PoolOp>): PoolGeometry {
  const shape = call.inShapes[0];
  if (call.attrs.op === "globalmaxpool" || call.attrs.op === "globalavgpool") {
    const channels = shape[shape.length - 1]!;
    const pixels = sizeOf(shape) / channels;
    const kind = call.attrs.op === "globalmaxpool" ? "max" : "avg";
    return { batch: call.batch, height: pixels, width: 1, channels, kernel: [pixels, 1], stride: [1, 1], pad: [0, 0, 0, 0], out: [1, 1], kind };
  }
  const [height, width, channels] = shape;
  const attrs = call.attrs as AttrsFor<"maxpool" | "avgpool">;
  return {
    batch: call.batch,
    height,
    width,
    channels,
    kernel: attrs.kernel,
    stride: attrs.stride,
    pad: attrs.pad,
    out: [call.outShape[0], call.outShape[1]],
    kind: attrs.op === "maxpool" ? "max" : "avg",
    includePad: attrs.includePad,
  };
}

function pool<K extends PoolOp>(kernels: WasmKernels, reference: Kernel<K>): Kernel<K> {
  const geometry = (call: ForwardCall<K>) => poolGeometry(call as ForwardCall<PoolOp>);
  const max = reference === (maxpoolKernel as unknown) || reference === (globalMaxpoolKernel as unknown);
  return {
    ...reference,
    // Max backward takes each window's max from the forward's output instead of finding it again.
    backwardReads: max ? { inputs: true, output: true } : reference.backwardReads,
    forward(call) {
      const [x] = call.inputs;
      if (!inMemory(kernels, [x, call.output])) return reference.forward(call);
      kernels.pool(geometry(call), { image: x.byteOffset, out: call.output.byteOffset });
    },
    backward(call) {
      const [dx] = call.inGrads;
      if (!dx) return;
      // avgpool's backward never reads its input or output, which training may have released.
      const [image, pooled] = max ? [call.inputs[0], call.output] : [null, null];
      if (!inMemory(kernels, [image, pooled, call.outGrad, dx])) return reference.backward(call);
      kernels.poolGrad(geometry(call), {
        image: image?.byteOffset ?? 0,
        dy: call.outGrad.byteOffset,
        dx: dx.byteOffset,
        pooled: pooled?.byteOffset,
      });
    },
  };
}

/**
 * add / mul whose inputs all have the output's shape, or (mul) are one per channel — a
 * residual sum, a squeeze-and-excitation scale — on the SIMD kernels: the first full-shape
 * input, then each other one folded in; add's backward too. Other broadcasts are the reference's.
 */
function broadcast<K extends "add" | "mul">(kernels: WasmKernels, kind: K, reference: Kernel<K>): Kernel<K> {
  return {
    ...reference,
    forward(call) {
      const { batch, inShapes, outShape, inputs, output } = call;
      const size = sizeOf(outShape);
      const channels = outShape[outShape.length - 1]!;
      // Equal sizes mean nothing was stretched; a channel vector is [..., 1, C].
      const full = inShapes.map((s) => sizeOf(s) === size);
      const perChannel = inShapes.map((s) => kind === "mul" && s[s.length - 1] === channels && sizeOf(s) === channels);
      const first = full.indexOf(true);
      if (first < 0 || !full.every((f, i) => f || perChannel[i]) || !inMemory(kernels, [...inputs, output])) return reference.forward(call);
      let x = inputs[first]!.byteOffset;
      inputs.forEach((input, i) => {
        if (i === first) return;
        const y = output.byteOffset;
        if (full[i]) kernels.combine(kind, { x, w: input.byteOffset, y, n: batch * size });
        else kernels.scaleChannels({ x, s: input.byteOffset, y, batch, pixels: size / channels, channels });
        x = y;
      });
      if (inputs.length === 1) output.set(inputs[0]!.subarray(0, batch * size));
    },
    // add's gradient reaches every full-shape input unchanged: nothing to do for an input whose
    // gradient buffer is the output gradient (aliased by exec/plan.ts), one SIMD sum for the others.
    backward(call) {
      const { batch, inShapes, outShape, outGrad, inGrads } = call;
      const size = sizeOf(outShape);
      const simple = kind === "add" && inShapes.every((s) => sizeOf(s) === size) && inMemory(kernels, [outGrad, ...inGrads]);
      if (!simple) return reference.backward(call);
      for (const dx of inGrads) {
        if (dx && dx !== outGrad) kernels.combine("add", { x: dx.byteOffset, w: outGrad.byteOffset, y: dx.byteOffset, n: batch * size });
      }
    },
  };
}

/** layernorm / rmsnorm over the last axis on the row kernels; the statistics they keep for
 * backward (mean and 1/σ per row) are laid out as the reference kernel's. */
function norm<K extends "layernorm" | "rmsnorm">(kernels: WasmKernels, reference: Kernel<K>): Kernel<K> {
  const centre = reference === (layernormKernel as unknown);
  const rowsOf = (call: ForwardCall<K>) => {
    const shape = call.inShapes[0];
    const c = shape[shape.length - 1]!;
    return { rows: (call.batch * sizeOf(shape)) / c, c };
  };
  return {
    ...reference,
    forward(call) {
      const [gamma, beta] = call.params;
      const stats = call.saved.length > 0 ? call.saved : null;
      if (!inMemory(kernels, [call.inputs[0], call.output, gamma, beta ?? null, stats])) return reference.forward(call);
      const { eps } = call.attrs as AttrsFor<"layernorm">;
      kernels.layernorm({
        x: call.inputs[0].byteOffset,
        gamma: gamma.byteOffset,
        beta: beta?.byteOffset,
        y: call.output.byteOffset,
        stats: stats?.byteOffset,
        ...rowsOf(call),
        eps,
        centre,
      });
    },
    backward(call) {
      const [dx] = call.inGrads;
      const [dgamma, dbeta] = call.paramGrads;
      const [x, gamma] = [call.inputs[0], call.params[0]];
      if (!inMemory(kernels, [x, gamma, call.saved, call.outGrad, dx, dgamma, dbeta ?? null])) return reference.backward(call);
      kernels.layernormGrad({
        x: x.byteOffset,
        gamma: gamma.byteOffset,
        stats: call.saved.byteOffset,
        dy: call.outGrad.byteOffset,
        dx: dx?.byteOffset,
        dgamma: dgamma?.byteOffset,
        dbeta: dbeta?.byteOffset,
        ...rowsOf(call),
        centre,
      });
    },
  };
}

/** softmax over the last axis on the row kernels (other axes: the reference's strided loops). */
function softmax(kernels: WasmKernels): Kernel<"softmax"> {
  const reference = softmaxKernel;
  const lastAxis = (call: ForwardCall<"softmax">) => call.attrs.axis === call.outShape.length - 1;
  const rowsOf = (call: ForwardCall<"softmax">) => {
    const len = call.outShape[call.outShape.length - 1]!;
    return { rows: (call.batch * sizeOf(call.outShape)) / len, len };
  };
  return {
    ...reference,
    forward(call) {
      const [x] = call.inputs;
      if (!lastAxis(call) || !inMemory(kernels, [x, call.output])) return reference.forward(call);
      const { rows, len } = rowsOf(call);
      if (x !== call.output) call.output.set(x.subarray(0, rows * len));
      kernels.softmaxRows({ p: call.output.byteOffset, rows, len, scale: 1 });
    },
    backward(call) {
      const [dx] = call.inGrads;
      if (!dx) return;
      if (!lastAxis(call) || !inMemory(kernels, [call.output, call.outGrad, dx])) return reference.backward(call);
      const { rows, len } = rowsOf(call);
      kernels.softmaxGrad({ y: call.output.byteOffset, dy: call.outGrad.byteOffset, dx: dx.byteOffset, rows, len, scale: 1, accumulate: true });
    },
  };
}

/** The activation, pool, broadcast, normalisation and softmax kernels of a WebAssembly backend. */
export function wasmLayerKernels(kernels: WasmKernels): Partial<KernelTable> {
  return {
    relu: activation(kernels, "relu"),
    relu6: activation(kernels, "relu6"),
    sigmoid: activation(kernels, "sigmoid"),
    tanh: activation(kernels, "tanh"),
    swish: activation(kernels, "swish"),
    gelu: activation(kernels, "gelu"),
    maxpool: pool(kernels, maxpoolKernel),
    avgpool: pool(kernels, avgpoolKernel),
    globalmaxpool: pool(kernels, globalMaxpoolKernel),
    globalavgpool: pool(kernels, globalAvgpoolKernel),
    add: broadcast(kernels, "add", addKernel),
    mul: broadcast(kernels, "mul", mulKernel),
    layernorm: norm(kernels, layernormKernel),
    rmsnorm: norm(kernels, rmsnormKernel),
    softmax: softmax(kernels),
  };
}
