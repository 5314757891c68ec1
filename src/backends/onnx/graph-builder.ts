// Accumulates ONNX nodes and initializers with unique value names.
import { ONNX_FLOAT, ONNX_INT64, type OnnxAttribute, type OnnxNode, type OnnxTensor } from "./onnx-proto.ts";

export class OnnxGraphBuilder {
  readonly nodes: OnnxNode[] = [];
  readonly initializers: OnnxTensor[] = [];
  private readonly used = new Set<string>();
  private readonly int64Constants = new Map<string, string>();
  /** Float initializers by the base they were asked for (a tied dense finds its embedding's table). */
  private readonly floatsByBase = new Map<string, string>();

  /** Claims `base` (or `base_1`, `base_2`, ...) as a value name. */
  fresh(base: string): string {
    let name = base;
    for (let k = 1; this.used.has(name); k++) name = `${base}_${k}`;
    this.used.add(name);
    return name;
  }

  /** Adds a node with one output named after `outputBase`; returns the output's name. */
  add(
    opType: string,
    inputs: readonly string[],
    outputBase: string,
    attributes: readonly OnnxAttribute[] = [],
  ): string {
    const output = this.fresh(outputBase);
    this.nodes.push({ opType, name: output, inputs, outputs: [output], attributes });
    return output;
  }

  /** Adds a node with several outputs; a null base leaves that optional output out (""). */
  addOutputs(
    opType: string,
    inputs: readonly string[],
    outputBases: readonly (string | null)[],
    attributes: readonly OnnxAttribute[] = [],
  ): string[] {
    const outputs = outputBases.map((base) => (base === null ? "" : this.fresh(base)));
    const name = outputs.find((o) => o !== "")!;
    this.nodes.push({ opType, name, inputs, outputs, attributes });
    return outputs;
  }

  /** Whether a node (not a graph input or initializer) computes `value`. */
  produces(value: string): boolean {
    return this.nodes.some((n) => n.outputs.includes(value));
  }

  /** Renames a value everywhere (and the node named after it); `to` must already be claimed. */
  renameValue(from: string, to: string): void {
    const swap = (name: string) => (name === from ? to : name);
    for (let i = 0; i < this.nodes.length; i++) {
      const n = this.nodes[i];
      this.nodes[i] = { ...n, name: swap(n.name), inputs: n.inputs.map(swap), outputs: n.outputs.map(swap) };
    }
  }

  floatTensor(base: string, dims: readonly number[], values: Float32Array): string {
    const name = this.fresh(base);
    this.initializers.push({ name, dims, data: { dataType: ONNX_FLOAT, values } });
    if (!this.floatsByBase.has(base)) this.floatsByBase.set(base, name);
    return name;
  }

  /** The float initializer first made from `base`, if any. */
  floatTensorOf(base: string): string | undefined {
    return this.floatsByBase.get(base);
  }

  floatScalar(base: string, value: number): string {
    return this.floatTensor(base, [], Float32Array.of(value));
  }

  /** A 1-D int64 constant (shapes, axes, pads), shared between nodes that use the same values. */
  int64s(base: string, values: readonly number[]): string {
    const key = `${base}:${values.join(",")}`;
    const existing = this.int64Constants.get(key);
    if (existing !== undefined) return existing;
    const name = this.fresh(base);
    const data = BigInt64Array.from(values, (v) => BigInt(v));
    this.initializers.push({ name, dims: [values.length], data: { dataType: ONNX_INT64, values: data } });
    this.int64Constants.set(key, name);
    return name;
  }
}

/** A 0-d int64 constant (Gather's index that drops the axis). */
export function int64Scalar(b: OnnxGraphBuilder, base: string, value: number): string {
  const name = b.fresh(base);
  b.initializers.push({ name, dims: [], data: { dataType: ONNX_INT64, values: BigInt64Array.of(BigInt(value)) } });
  return name;
}

export const ints = (name: string, value: readonly number[]): OnnxAttribute => ({ name, kind: "ints", value });
export const int = (name: string, value: number): OnnxAttribute => ({ name, kind: "int", value });
export const float = (name: string, value: number): OnnxAttribute => ({ name, kind: "float", value });
export const str = (name: string, value: string): OnnxAttribute => ({ name, kind: "string", value });
