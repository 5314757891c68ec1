// The PyTorch fixtures of the CNN ops (test/fixtures/runtime/gen_torch_reference.py, NHWC /
// Keras layouts), shared by the reference-kernel and WASM-backend tests.
import { readFileSync } from "node:fs";
import type { OpAttrs } from "../../src/runtime/ops.ts";

export interface TorchCase {
  readonly name: string;
  readonly attrs: OpAttrs;
  readonly inShapes: number[][];
  readonly outShape: number[];
  readonly batch: number;
  readonly training: boolean;
  readonly inputs: number[][];
  readonly params: number[][];
  readonly output: number[];
  readonly outGrad: number[];
  readonly inGrads: number[][];
  readonly paramGrads: number[][];
  /** Batchnorm's running statistics before and after the forward. */
  readonly runningBefore?: number[][];
  readonly runningAfter?: number[][];
}

export const referenceFixture = JSON.parse(
  readFileSync(new URL("../fixtures/runtime/torch-reference.json", import.meta.url), "utf8"),
) as { cases: TorchCase[] };
