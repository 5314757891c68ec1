// Every benchmark case, in the order `npm run bench` runs them. To add one, write
// bench/cases/<name>.ts exporting a BenchCase and list it here.
//
// Planned cases, waiting on the parts of netc they measure (not faked meanwhile):
// - mobilenet-v1: MobileNetV1 224×224 batch-1 forward, 1 and 2 threads, vs onnxruntime-node
//   (via netc's ONNX export) and tfjs-backend-wasm — needs the executor with the wasm backend.
// - lenet5-train: one LeNet-5 training step at batch 64 (images/s) vs tfjs-backend-cpu —
//   needs the runtime's training loop.
// - parse-check: parse + check time of the example models — needs src/syntax and src/check.
import type { BenchCase } from "../harness.ts";
import { gemmCase } from "./gemm.ts";
import { layersCase } from "./layers.ts";

export const CASES: readonly BenchCase[] = [gemmCase, layersCase];
