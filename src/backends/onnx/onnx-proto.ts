// The subset of onnx.proto that netc writes, as plain objects, and their encoding.
// Field numbers are those of onnx/onnx.proto (IR version 8).
import { ProtoMessage } from "./protobuf-writer.ts";

export const ONNX_FLOAT = 1;
export const ONNX_INT64 = 7;

export type OnnxAttribute =
  | { readonly name: string; readonly kind: "int"; readonly value: number }
  | { readonly name: string; readonly kind: "float"; readonly value: number }
  | { readonly name: string; readonly kind: "string"; readonly value: string }
  | { readonly name: string; readonly kind: "ints"; readonly value: readonly number[] };

export interface OnnxNode {
  readonly opType: string;
  readonly name: string;
  /** "" marks an omitted optional input. */
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attributes: readonly OnnxAttribute[];
}

export type OnnxTensorData =
  | { readonly dataType: typeof ONNX_FLOAT; readonly values: Float32Array }
  | { readonly dataType: typeof ONNX_INT64; readonly values: BigInt64Array };

export interface OnnxTensor {
  readonly name: string;
  readonly dims: readonly number[];
  readonly data: OnnxTensorData;
}

/** A graph input or output: a tensor whose dims are numbers or symbolic names ("N"); float
 * unless `elemType` says int64 (token ids). */
export interface OnnxValueInfo {
  readonly name: string;
  readonly dims: readonly (number | string)[];
  readonly elemType?: typeof ONNX_FLOAT | typeof ONNX_INT64;
}

export interface OnnxGraph {
  readonly name: string;
  readonly nodes: readonly OnnxNode[];
  readonly initializers: readonly OnnxTensor[];
  readonly inputs: readonly OnnxValueInfo[];
  readonly outputs: readonly OnnxValueInfo[];
}

export interface OnnxModel {
  readonly irVersion: number;
  readonly opsetVersion: number;
  readonly producerName: string;
  /** Written only when not empty. */
  readonly producerVersion: string;
  readonly graph: OnnxGraph;
}

const ATTRIBUTE_TYPE = { float: 1, int: 2, string: 3, ints: 7 } as const;

// Fields are written in field-number order, as protobuf's own serializers do.
function encodeAttribute(attr: OnnxAttribute): ProtoMessage {
  const m = new ProtoMessage().string(1, attr.name);
  switch (attr.kind) {
    case "float":
      m.float(2, attr.value);
      break;
    case "int":
      m.varint(3, attr.value);
      break;
    case "string":
      m.string(4, attr.value);
      break;
    case "ints":
      m.varints(8, attr.value);
      break;
  }
  return m.varint(20, ATTRIBUTE_TYPE[attr.kind]);
}

function encodeNode(node: OnnxNode): ProtoMessage {
  const m = new ProtoMessage();
  for (const input of node.inputs) m.string(1, input);
  for (const output of node.outputs) m.string(2, output);
  if (node.name !== "") m.string(3, node.name);
  m.string(4, node.opType);
  for (const attr of node.attributes) m.message(5, encodeAttribute(attr));
  return m;
}

/** The tensor's bytes in little-endian order, as raw_data requires. */
function rawBytes(data: OnnxTensorData): Uint8Array {
  const { values } = data;
  const view = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  if (new Uint8Array(new Uint16Array([1]).buffer)[0] === 1) return view;
  const out = new Uint8Array(values.byteLength);
  const dv = new DataView(out.buffer);
  values.forEach((v: number | bigint, i: number) => {
    if (typeof v === "bigint") dv.setBigInt64(i * 8, v, true);
    else dv.setFloat32(i * 4, v, true);
  });
  return out;
}

function encodeTensor(tensor: OnnxTensor): ProtoMessage {
  return new ProtoMessage()
    .varints(1, tensor.dims)
    .varint(2, tensor.data.dataType)
    .string(8, tensor.name)
    .bytes(9, rawBytes(tensor.data));
}

function encodeValueInfo(info: OnnxValueInfo): ProtoMessage {
  const shape = new ProtoMessage();
  for (const dim of info.dims) {
    const d = new ProtoMessage();
    if (typeof dim === "number") d.varint(1, dim);
    else d.string(2, dim);
    shape.message(1, d);
  }
  const tensorType = new ProtoMessage().varint(1, info.elemType ?? ONNX_FLOAT).message(2, shape);
  const type = new ProtoMessage().message(1, tensorType);
  return new ProtoMessage().string(1, info.name).message(2, type);
}

function encodeGraph(graph: OnnxGraph): ProtoMessage {
  const m = new ProtoMessage();
  for (const node of graph.nodes) m.message(1, encodeNode(node));
  m.string(2, graph.name);
  for (const tensor of graph.initializers) m.message(5, encodeTensor(tensor));
  for (const input of graph.inputs) m.message(11, encodeValueInfo(input));
  for (const output of graph.outputs) m.message(12, encodeValueInfo(output));
  return m;
}

export function encodeModel(model: OnnxModel): Uint8Array {
  const opset = new ProtoMessage().string(1, "").varint(2, model.opsetVersion);
  const m = new ProtoMessage().varint(1, model.irVersion).string(2, model.producerName);
  if (model.producerVersion !== "") m.string(3, model.producerVersion);
  return m.message(7, encodeGraph(model.graph)).message(8, opset).toBytes();
}
