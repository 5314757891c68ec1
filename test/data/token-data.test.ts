import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadData } from "../../src/data/load-data.ts";
import { modelShapes, validateData, type ModelShapes } from "../../src/data/validate-data.ts";
import { writeNpy } from "../../src/io/npy.ts";
import { compile } from "../../src/index.ts";

const dir = mkdtempSync(join(tmpdir(), "netc-tokens-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const tokenModel: ModelShapes = { inputName: "ids", inputShape: [4], outputShape: [4, 5], inputDtype: "int", vocab: 5 };
const floatModel: ModelShapes = { inputName: "x", inputShape: [4], outputShape: [2] };

function npyPair(x: Float32Array | Int32Array | BigInt64Array | Uint8Array, y: Int32Array, yShape: number[]): string {
  const xp = join(dir, `x-${x.constructor.name}.npy`);
  const yp = join(dir, `y-${x.constructor.name}.npy`);
  writeNpy(xp, { shape: [2, 4], data: x });
  writeNpy(yp, { shape: yShape, data: y });
  return `${xp},${yp}`;
}

describe("token inputs from .npy", () => {
  const targets = Int32Array.of(1, 2, 3, 4, 0, 1, 2, 3);
  it("int32 and int64 token ids fit an int input", () => {
    for (const x of [Int32Array.of(0, 1, 2, 3, 4, 0, 1, 2), BigInt64Array.from([0n, 1n, 2n, 3n, 4n, 0n, 1n, 2n])]) {
      const { train } = loadData(npyPair(x, targets, [2, 4]), [4, 5], 0);
      expect(() => validateData(tokenModel, "cross_entropy", train)).not.toThrow();
      expect(train.labels).toMatchObject({ kind: "classes", shape: [4] });
    }
  });
  it("floats for an int input and ints for a float input are refused with both dtypes", () => {
    const floats = loadData(npyPair(Float32Array.of(0, 1, 2, 3, 4, 0, 1, 2), targets, [2, 4]), [4, 5], 0).train;
    expect(() => validateData(tokenModel, "cross_entropy", floats)).toThrow(
      "samples are float32, but the model's input 'ids' takes token ids (expected int32 or int64, found float32); save x.astype(np.int64)",
    );
    const bytes = loadData(npyPair(Uint8Array.of(0, 1, 2, 3, 4, 0, 1, 2), Int32Array.of(0, 1), [2]), [2], 0).train;
    expect(() => validateData(floatModel, "cross_entropy", bytes)).toThrow(
      "samples are uint8, but the model's input 'x' is float (expected float32, found uint8)",
    );
  });
  it("token ids outside the embedding's vocabulary are named by sample and position", () => {
    const { train } = loadData(npyPair(Int32Array.of(0, 1, 2, 3, 4, 0, 7, 2), targets, [2, 4]), [4, 5], 0);
    expect(() => validateData(tokenModel, "cross_entropy", train)).toThrow(
      "token id 7 at sample 1, position 2 is outside the vocabulary (expected 0..4, the embedding's vocabulary)",
    );
  });
});

describe("modelShapes", () => {
  it("reads the input's dtype and the vocabulary of the embedding that consumes it", () => {
    const { graph } = compile("model M { input ids: [8] int\n embedding(30, 16)\n dense(30) }");
    const shapes = modelShapes(graph);
    expect(shapes).toEqual({ inputName: "ids", inputShape: [8], outputShape: [8, 30], inputDtype: "int", vocab: 30 });
  });
});
