// The one interface every op implements: forward and backward over NHWC Float32Arrays (batch
// first), plus the sizes the executor must plan for. Kernels are plain, stateless functions of
// their call; a WebAssembly implementation can replace any op's kernel (createExecutor's
// `kernels` option) without touching the executor.
import type { FusedActivation, Gemm } from "./gemm.ts";
import type { OpAttrs, OpName, ParamSpec } from "./ops.ts";
import type { Rng } from "./rng.ts";

export type Shape = readonly number[];

/** The attributes of op K (also for members that share one attrs type, like maxpool/avgpool). */
export type AttrsFor<K extends OpName> = OpAttrs extends infer T
  ? T extends { readonly op: infer O }
    ? K extends O
      ? T
      : never
    : never
  : never;

export interface ForwardCall<K extends OpName> {
  readonly attrs: AttrsFor<K>;
  /** Samples in this call; arrays may be longer (sized for the executor's maxBatch). */
  readonly batch: number;
  /** Per-sample shapes (no batch dimension). */
  readonly inShapes: readonly Shape[];
  readonly outShape: Shape;
  readonly inputs: readonly Float32Array[];
  /** Overwritten by forward. */
  readonly output: Float32Array;
  /** In the order of the kernel's `params` specs. Batchnorm updates its running stats here. */
  readonly params: readonly Float32Array[];
  /** Kept from this node's forward to its backward (`savedSize` floats). */
  readonly saved: Float32Array;
  /** Shared temporary memory (`scratchSize` floats), clobbered by every kernel. */
  readonly scratch: Float32Array;
  readonly training: boolean;
  /** Dropout's mask source; the executor owns its state. */
  readonly rng: Rng;
  readonly gemm: Gemm;
  /** An activation the executor fused into this node: apply it to the output (only ever set
   * for kernels declaring `fusesActivation`, and only in inference). */
  readonly activation: FusedActivation | null;
}

export interface BackwardCall<K extends OpName> extends ForwardCall<K> {
  /** Gradient of the loss with respect to `output`. */
  readonly outGrad: Float32Array;
  /** Accumulated into (+=); null where no gradient is wanted (a program input). */
  readonly inGrads: readonly (Float32Array | null)[];
  /** Accumulated into (+=), in `params` order; null for non-trainable tensors. */
  readonly paramGrads: readonly (Float32Array | null)[];
}

/** What a kernel needs to size its memory: everything but the arrays. */
export interface SizeQuery<K extends OpName> {
  readonly attrs: AttrsFor<K>;
  readonly inShapes: readonly Shape[];
  readonly outShape: Shape;
  readonly maxBatch: number;
  readonly training: boolean;
}

/** A param as a kernel declares it. `owner` names another layer whose tensor this node uses
 * (tied weights: GPT-2's output dense reads the embedding's table): the executor passes that
 * layer's tensor and gradient, so both nodes' gradients accumulate into one. */
export interface KernelParam extends ParamSpec {
  readonly owner?: string;
}

export interface Kernel<K extends OpName> {
  /** The parameter tensors this op reads (its own and shared ones), in the order `params`
   * arrays are passed. */
  params(attrs: AttrsFor<K>, inShapes: readonly Shape[]): KernelParam[];
  forward(call: ForwardCall<K>): void;
  /** Requires a preceding training forward of the same batch; reads only what backwardReads says. */
  backward(call: BackwardCall<K>): void;
  /** Which activations backward reads (default: inputs and output). Training releases the rest
   * early so gradient buffers can reuse their memory. */
  readonly backwardReads?: { readonly inputs: boolean; readonly output: boolean };
  /** Whether forward can apply a following relu/relu6 itself (`call.activation`). */
  readonly fusesActivation?: boolean;
  /** Floats of scratch needed by forward or backward (default 0). */
  scratchSize?(query: SizeQuery<K>): number;
  /** Floats kept from forward to backward (default 0). */
  savedSize?(query: SizeQuery<K>): number;
}

/** One kernel per op: a missing op is a compile error. */
export type KernelTable = { readonly [K in OpName]: Kernel<K> };

export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}
