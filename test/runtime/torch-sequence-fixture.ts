// The PyTorch fixtures of the section 11 ops (test/fixtures/runtime/gen_torch_sequence.py),
// shared by the reference-kernel and WASM-backend tests.
import { readFileSync } from "node:fs";
import type { OpAttrs } from "../../src/runtime/ops.ts";

export interface TorchSequenceCase {
  readonly name: string;
  readonly attrs: OpAttrs;
  readonly inShapes: number[][];
  readonly outShape: number[];
  readonly batch: number;
  readonly intInputs: number[];
  readonly inputs: number[][];
  readonly params: number[][];
  readonly output: number[];
  readonly outGrad: number[];
  readonly inGrads: number[][];
  readonly paramGrads: number[][];
}

export const sequenceFixture = JSON.parse(
  readFileSync(new URL("../fixtures/runtime/torch-sequence.json", import.meta.url), "utf8"),
) as { cases: TorchSequenceCase[] };

