// The executor of an emitted module (inlined verbatim by emitTs, like the kernels it calls): one
// preallocated buffer per node output, per kept state and for scratch, sized for the largest
// batch seen so far (grown, then reused); every kernel call record is built once per size.
// It must stay free of imports other than the runtime's standalone kernel modules.
import { jsGemm } from "../../../runtime/gemm.ts";
import type {
  BackwardCall,
  Kernel,
  Shape,
  SizeQuery,
} from "../../../runtime/kernel.ts";
import { sizeOf } from "../../../runtime/kernel.ts";
import type { OpName, Program } from "../../../runtime/ops.ts";
import { Rng } from "../../../runtime/rng.ts";

/** The kernels of the ops a model uses, by op name. */
export type ModelKernels = { readonly [op: string]: Kernel<OpName> };

interface NodeCall extends BackwardCall<OpName> {
  batch: number;
  training: boolean;
}

const EMPTY = new Float32Array(0);

export class CompiledModel {
  /** Every param tensor, keyed `<layer>.<tensor>`, as views into `flatParams`. */
  readonly params = new Map<string, Float32Array>();
  /** Gradients of the trainable params (same keys), as views into `flatGrads`. */
  readonly grads = new Map<string, Float32Array>();
  readonly flatParams: Float32Array;
  readonly flatGrads: Float32Array;
  readonly inputSize: number;
  readonly outputSize: number;
  private readonly kernels: readonly Kernel<OpName>[];
  private readonly inShapes: readonly (readonly Shape[])[];
  private readonly paramViews: Float32Array[][];
  private readonly gradViews: (Float32Array | null)[][];
  private readonly needsGrad: boolean[];
  private readonly rng: Rng;
  private capacity = 0;
  private calls: NodeCall[] = [];
  private activations: Float32Array[] = [];
  private activationGrads: Float32Array[] = [];

  private readonly training: boolean;

  /** `lossNode`: for training, the node whose output the loss consumes (null: inference only). */
  private readonly program: Program;
  private readonly lossNode: number | null;

  // No parameter properties: the emitted module must stay erasable TypeScript (Node's type stripping).
  constructor(
    program: Program,
    table: ModelKernels,
    lossNode: number | null,
    seed: number,
  ) {
    this.program = program;
    this.lossNode = lossNode;
    const { nodes } = program;
    const training = lossNode !== null;
    this.training = training;
    if (program.inputs.length !== 1 || program.outputs.length !== 1) {
      throw new Error("a compiled model has exactly one input and one output");
    }
    this.rng = new Rng(seed);
    this.kernels = nodes.map((node) => table[node.attrs.op]);
    this.inShapes = nodes.map((node) =>
      node.inputs.map((id) => nodes[id].shape),
    );
    this.inputSize = sizeOf(nodes[program.inputs[0]].shape);
    this.outputSize = sizeOf(nodes[program.outputs[0]].shape);
    const specs = nodes.map((node, i) =>
      this.kernels[i].params(node.attrs, this.inShapes[i]),
    );
    const total = specs.flat().reduce((n, spec) => n + sizeOf(spec.shape), 0);
    this.flatParams = new Float32Array(total);
    this.flatGrads = new Float32Array(training ? total : 0);
    let offset = 0;
    this.paramViews = [];
    this.gradViews = [];
    nodes.forEach((node, i) => {
      const values: Float32Array[] = [];
      const grads: (Float32Array | null)[] = [];
      for (const spec of specs[i]) {
        const size = sizeOf(spec.shape);
        const view = this.flatParams.subarray(offset, offset + size);
        this.params.set(`${node.name}.${spec.name}`, view);
        values.push(view);
        const grad =
          training && spec.trainable
            ? this.flatGrads.subarray(offset, offset + size)
            : null;
        if (grad) this.grads.set(`${node.name}.${spec.name}`, grad);
        grads.push(grad);
        offset += size;
      }
      this.paramViews.push(values);
      this.gradViews.push(grads);
    });
    // Back-propagation reaches the nodes the output depends on.
    this.needsGrad = nodes.map((_, i) => i === lossNode);
    for (let i = nodes.length - 1; i >= 0; i--) {
      if (this.needsGrad[i])
        for (const id of nodes[i].inputs) this.needsGrad[id] = true;
    }
  }

  /** Allocates every buffer for `batch` samples, once per new largest batch. */
  reserve(batch: number): void {
    if (batch <= this.capacity) return;
    const { nodes } = this.program;
    const query = (i: number): SizeQuery<OpName> => ({
      attrs: nodes[i].attrs,
      inShapes: this.inShapes[i],
      outShape: nodes[i].shape,
      maxBatch: batch,
      training: this.training,
    });
    const scratch = new Float32Array(
      Math.max(
        0,
        ...this.kernels.map((k, i) => k.scratchSize?.(query(i)) ?? 0),
      ),
    );
    this.activations = nodes.map(
      (node) => new Float32Array(batch * sizeOf(node.shape)),
    );
    this.activationGrads = nodes.map((node, i) =>
      this.needsGrad[i] ? new Float32Array(batch * sizeOf(node.shape)) : EMPTY,
    );
    const grads = this.activationGrads;
    this.calls = nodes.map((node, i) => ({
      attrs: node.attrs,
      batch: 0,
      inShapes: this.inShapes[i],
      outShape: node.shape,
      inputs: node.inputs.map((id) => this.activations[id]),
      output: this.activations[i],
      params: this.paramViews[i],
      saved: new Float32Array(this.kernels[i].savedSize?.(query(i)) ?? 0),
      scratch,
      training: false,
      rng: this.rng,
      gemm: jsGemm,
      activation: null,
      outGrad: grads[i],
      inGrads: node.inputs.map((id) =>
        this.needsGrad[id] && nodes[id].attrs.op !== "input" ? grads[id] : null,
      ),
      paramGrads: this.gradViews[i],
    }));
    this.capacity = batch;
  }

  /** Runs the model on `batch` samples (NHWC, batch first); the result is a fresh array. */
  forward(x: Float32Array, batch: number, training: boolean): Float32Array {
    if (!Number.isInteger(batch) || batch < 1)
      throw new Error(
        `forward: batch must be a positive integer, got ${batch}`,
      );
    const { program } = this;
    const inputShape = program.nodes[program.inputs[0]].shape;
    if (x.length !== batch * this.inputSize) {
      throw new Error(
        `forward: the input has ${x.length} floats, expected ${batch * this.inputSize} = batch ${batch} × ` +
          `[${inputShape.join(", ")}] (NHWC, batch first)`,
      );
    }
    this.reserve(batch);
    this.activations[program.inputs[0]].set(x);
    this.calls.forEach((call, i) => {
      call.batch = batch;
      call.training = training;
      if (program.nodes[i].attrs.op !== "input") this.kernels[i].forward(call);
    });
    return this.activations[program.outputs[0]].slice(
      0,
      batch * this.outputSize,
    );
  }

  /** What the loss consumes after a forward of `batch` samples: the loss node's output. */
  lossInput(batch: number): Float32Array {
    const node = this.program.nodes[this.lossNode ?? this.program.outputs[0]];
    return this.activations[node.id].subarray(0, batch * sizeOf(node.shape));
  }

  /** Accumulates param gradients from the gradient of the loss node's output after a training forward. */
  backward(lossGrad: Float32Array): void {
    const { nodes } = this.program;
    if (this.lossNode === null)
      throw new Error("backward: this model was compiled for inference");
    for (const grad of this.activationGrads) grad.fill(0);
    this.activationGrads[this.lossNode].set(lossGrad);
    for (let i = this.lossNode; i >= 0; i--) {
      if (this.needsGrad[i] && nodes[i].attrs.op !== "input")
        this.kernels[i].backward(this.calls[i]);
    }
  }
}

/** The 4-byte-aligned little-endian floats of `bytes` as a fresh Float32Array. */
function floatsOf(bytes: Uint8Array): Float32Array {
  const floats = new Float32Array(bytes.length / 4);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < floats.length; i++)
    floats[i] = view.getFloat32(4 * i, true);
  return floats;
}

/** Copies the model's tensors out of a safetensors file (F32), naming any missing, misshapen or truncated one. */
export function readSafetensorsInto(
  bytes: Uint8Array,
  params: ReadonlyMap<string, Float32Array>,
  shapes: Readonly<Record<string, readonly number[]>>,
): void {
  const fail = (message: string): never => {
    throw new Error(`loadWeights: ${message}`);
  };
  if (bytes.length < 8)
    fail(
      `truncated: ${bytes.length} bytes, but a safetensors file starts with an 8-byte header length`,
    );
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength =
    view.getUint32(0, true) + view.getUint32(4, true) * 2 ** 32;
  if (8 + headerLength > bytes.length) {
    fail(
      `truncated: the header claims ${headerLength} bytes but only ${bytes.length - 8} follow the length`,
    );
  }
  let header: Record<
    string,
    { dtype?: unknown; shape?: unknown; data_offsets?: unknown }
  > = {};
  try {
    header = JSON.parse(
      new TextDecoder().decode(bytes.subarray(8, 8 + headerLength)),
    );
  } catch (error) {
    fail(
      `the header is not valid JSON (${(error as Error).message}); is this a safetensors file?`,
    );
  }
  const dataStart = 8 + headerLength;
  for (const [key, target] of params) {
    const expected = `[${shapes[key].join(", ")}]`;
    const entry = header[key];
    if (entry === undefined) {
      const present = Object.keys(header).filter((k) => k !== "__metadata__");
      fail(
        `missing tensor "${key}" ${expected}; the file has: ${present.join(", ") || "no tensors"}`,
      );
    }
    if (entry.dtype !== "F32")
      fail(`tensor "${key}" has dtype ${String(entry.dtype)}, expected F32`);
    const shape = Array.isArray(entry.shape) ? entry.shape : [];
    if (
      shape.length !== shapes[key].length ||
      shape.some((d, i) => d !== shapes[key][i])
    ) {
      fail(
        `tensor "${key}" has shape [${shape.join(", ")}], expected ${expected}`,
      );
    }
    const [begin, end] = Array.isArray(entry.data_offsets)
      ? (entry.data_offsets as number[])
      : [0, -1];
    if (end - begin !== 4 * target.length) {
      fail(
        `tensor "${key}" has ${end - begin} data bytes, expected ${4 * target.length} for ${expected}`,
      );
    }
    if (dataStart + end > bytes.length) {
      fail(
        `truncated: tensor "${key}" ends at data byte ${end}, but the file has ${bytes.length - dataStart}`,
      );
    }
    target.set(floatsOf(bytes.subarray(dataStart + begin, dataStart + end)));
  }
}

const BASE64 =
  "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/** Decodes base64 (no padding needed) without atob/Buffer, so it runs everywhere. */
export function decodeBase64Floats(text: string): Float32Array {
  const lookup = new Uint8Array(128);
  for (let i = 0; i < BASE64.length; i++) lookup[BASE64.charCodeAt(i)] = i;
  const clean = text.replace(/=+$/, "");
  const bytes = new Uint8Array(Math.floor((clean.length * 3) / 4));
  let out = 0;
  for (let i = 0; i < clean.length; i += 4) {
    const n =
      (lookup[clean.charCodeAt(i)] << 18) |
      (lookup[clean.charCodeAt(i + 1)] << 12) |
      (lookup[clean.charCodeAt(i + 2)] << 6) |
      lookup[clean.charCodeAt(i + 3)];
    if (out < bytes.length) bytes[out++] = n >> 16;
    if (out < bytes.length) bytes[out++] = (n >> 8) & 255;
    if (out < bytes.length) bytes[out++] = n & 255;
  }
  return floatsOf(bytes);
}
