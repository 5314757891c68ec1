// The protobuf writer against the protobuf wire format and against models written by ONNX's
// own (protobuf-generated) serializer.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { encodeModel, type OnnxModel, type OnnxNode, type OnnxValueInfo } from "../../src/backends/onnx/onnx-proto.ts";
import { ProtoMessage } from "../../src/backends/onnx/protobuf-writer.ts";

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");

describe("ProtoMessage", () => {
  it("encodes varints as protobuf does, negative int64 as 10 bytes", () => {
    expect(hex(new ProtoMessage().varint(1, 150).toBytes())).toBe("089601");
    expect(hex(new ProtoMessage().varint(2, 300).toBytes())).toBe("10ac02");
    expect(hex(new ProtoMessage().varint(1, -1).toBytes())).toBe("08ffffffffffffffffff01");
    expect(hex(new ProtoMessage().varint(1, 2n ** 40n).toBytes())).toBe("08808080808020");
  });

  it("encodes strings, floats, field numbers above 15 and nested messages", () => {
    expect(hex(new ProtoMessage().string(2, "testing").toBytes())).toBe("120774657374696e67");
    expect(hex(new ProtoMessage().float(2, 0.5).toBytes())).toBe("150000003f");
    expect(hex(new ProtoMessage().varint(20, 7).toBytes())).toBe("a00107");
    const inner = new ProtoMessage().varint(1, 150);
    expect(hex(new ProtoMessage().message(3, inner).toBytes())).toBe("1a03089601");
  });
});

const reference = (name: string) =>
  new Uint8Array(readFileSync(new URL(`../fixtures/onnx/reference/${name}.onnx`, import.meta.url)));
const value = (name: string, dims: number[]): OnnxValueInfo => ({ name, dims });
const backendTest = (
  irVersion: number,
  opsetVersion: number,
  name: string,
  node: OnnxNode,
  inputs: OnnxValueInfo[],
  output: OnnxValueInfo,
): OnnxModel => ({
  irVersion,
  opsetVersion,
  producerName: "backend-test",
  producerVersion: "",
  graph: { name, nodes: [node], initializers: [], inputs, outputs: [output] },
});

describe("encodeModel reproduces ONNX's backend-test models byte for byte", () => {
  it("test_leakyrelu (float attribute)", () => {
    const node: OnnxNode = {
      opType: "LeakyRelu",
      name: "",
      inputs: ["x"],
      outputs: ["y"],
      attributes: [{ name: "alpha", kind: "float", value: 0.1 }],
    };
    const model = backendTest(8, 16, "test_leakyrelu", node, [value("x", [3, 4, 5])], value("y", [3, 4, 5]));
    expect(hex(encodeModel(model))).toBe(hex(reference("test_leakyrelu")));
  });

  it("test_conv_with_strides_padding (ints attributes)", () => {
    const node: OnnxNode = {
      opType: "Conv",
      name: "",
      inputs: ["x", "W"],
      outputs: ["y"],
      attributes: [
        { name: "kernel_shape", kind: "ints", value: [3, 3] },
        { name: "pads", kind: "ints", value: [1, 1, 1, 1] },
        { name: "strides", kind: "ints", value: [2, 2] },
      ],
    };
    const inputs = [value("x", [1, 1, 7, 5]), value("W", [1, 1, 3, 3])];
    const model = backendTest(6, 11, "test_conv_with_strides_padding", node, inputs, value("y", [1, 1, 4, 3]));
    expect(hex(encodeModel(model))).toBe(hex(reference("test_conv_with_strides_padding")));
  });

  it("test_resize_upsample_scales_nearest (string attribute, omitted optional input)", () => {
    const node: OnnxNode = {
      opType: "Resize",
      name: "",
      inputs: ["X", "", "scales"],
      outputs: ["Y"],
      attributes: [{ name: "mode", kind: "string", value: "nearest" }],
    };
    const inputs = [value("X", [1, 1, 2, 2]), value("scales", [4])];
    const model = backendTest(7, 13, "test_resize_upsample_scales_nearest", node, inputs, value("Y", [1, 1, 4, 6]));
    expect(hex(encodeModel(model))).toBe(hex(reference("test_resize_upsample_scales_nearest")));
  });
});
