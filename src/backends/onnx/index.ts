export { exportOnnx, buildOnnxModel, ONNX_OPSET, ONNX_IR_VERSION, type OnnxExportOptions } from "./export-onnx.ts";
export { OnnxExportError } from "./errors.ts";
export type { OnnxModel, OnnxGraph, OnnxNode } from "./onnx-proto.ts";
