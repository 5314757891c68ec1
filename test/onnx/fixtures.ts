// Loads test/fixtures/onnx/ops.json: small netc Programs with weights, inputs and PyTorch outputs.
import { readFileSync } from "node:fs";
import type { Program } from "../../src/runtime/ops.ts";
import type { BatchedArray } from "./onnx-harness.ts";

interface JsonArray {
  readonly shape: number[];
  readonly data: number[];
}

export interface OpFixture {
  readonly name: string;
  readonly program: Program;
  readonly weights: Map<string, Float32Array>;
  readonly inputs: BatchedArray[];
  readonly outputs: BatchedArray[];
}

const toArray = (a: JsonArray): BatchedArray => ({ shape: a.shape, data: Float32Array.from(a.data) });

export const opFixtures: OpFixture[] = JSON.parse(
  readFileSync(new URL("../fixtures/onnx/ops.json", import.meta.url), "utf8"),
).cases.map(
  (c: {
    name: string;
    program: Program;
    weights: Record<string, JsonArray>;
    inputs: JsonArray[];
    outputs: JsonArray[];
  }) => ({
    name: c.name,
    program: c.program,
    weights: new Map(Object.entries(c.weights).map(([k, v]) => [k, Float32Array.from(v.data)])),
    inputs: c.inputs.map(toArray),
    outputs: c.outputs.map(toArray),
  }),
);

export const opFixture = (name: string): OpFixture => {
  const found = opFixtures.find((f) => f.name === name);
  if (found === undefined) throw new Error(`no fixture ${name} in ops.json`);
  return found;
};
