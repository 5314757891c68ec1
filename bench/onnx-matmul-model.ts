// A one-node ONNX model Y = A·B with B as a constant initializer (as weights would be), built
// in memory with the ONNX exporter's encoder.
import { ONNX_FLOAT, encodeModel } from "../src/backends/onnx/onnx-proto.ts";

export function matMulModel(m: number, k: number, n: number, b: Float32Array): Uint8Array {
  return encodeModel({
    irVersion: 8,
    opsetVersion: 13,
    producerName: "netc-bench",
    producerVersion: "",
    graph: {
      name: "matmul",
      nodes: [{ opType: "MatMul", name: "matmul", inputs: ["A", "B"], outputs: ["Y"], attributes: [] }],
      initializers: [{ name: "B", dims: [k, n], data: { dataType: ONNX_FLOAT, values: b } }],
      inputs: [{ name: "A", dims: [m, k] }],
      outputs: [{ name: "Y", dims: [m, n] }],
    },
  });
}
