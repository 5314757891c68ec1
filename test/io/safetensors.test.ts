import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseSafetensors, readSafetensors, writeSafetensors, type TensorData } from "../../src/io/safetensors.ts";
import { checkWeights, loadWeights, weightSpecs } from "../../src/io/weights.ts";
import type { Program } from "../../src/runtime/ops.ts";
import { fixture, useTempDir } from "./tmp-dir.ts";

const tensors = new Map<string, TensorData>([
  ["conv_0.kernel", { shape: [5, 5, 1, 6], data: Float32Array.from({ length: 150 }, (_, i) => Math.sin(i)) }],
  ["conv_0.bias", { shape: [6], data: Float32Array.of(1, 2, 3, 4, 5, 6) }],
  ["dense_0.kernel", { shape: [0, 3], data: new Float32Array(0) }],
]);

/** A file built by hand: header JSON and raw data bytes. */
function handMade(header: unknown, dataBytes: number, headerLengthOverride?: number): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + dataBytes);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerLengthOverride ?? json.length), true);
  out.set(json, 8);
  return out;
}

const tempDir = useTempDir();

describe("safetensors round trip", () => {
  const dir = tempDir;
  it("writes, reads back exactly, keeps metadata, aligns data, leaves no temp file", () => {
    const file = join(dir(), "w.safetensors");
    writeSafetensors(file, tensors, { note: "hello" });
    const back = readSafetensors(file);
    expect(back.metadata).toEqual({ note: "hello" });
    expect([...back.tensors.keys()].sort()).toEqual([...tensors.keys()].sort());
    for (const [key, t] of tensors) expect(back.tensors.get(key)).toEqual(t);
    const bytes = readFileSync(file);
    expect(Number(bytes.readBigUInt64LE(0)) % 8).toBe(0);
    expect(readdirSync(dir())).toEqual(["w.safetensors"]);
  });
  it("reads a file written by an independent implementation (unaligned data)", () => {
    const { tensors: t, metadata } = readSafetensors(fixture("python.safetensors"));
    expect(metadata).toEqual({ producer: "gen_io_fixtures.py" });
    expect(t.get("conv_0.kernel")).toEqual({
      shape: [2, 2, 1, 3],
      data: Float32Array.from({ length: 12 }, (_, i) => i * 0.5),
    });
    expect(t.get("conv_0.bias")).toEqual({ shape: [3], data: Float32Array.of(1, -1, 0.25) });
  });
});

describe("safetensors corruption is reported with the tensor's name", () => {
  const entry = (shape: number[], offsets: number[], dtype = "F32") => ({ dtype, shape, data_offsets: offsets });
  const cases: [string, Uint8Array, string][] = [
    [
      "short file",
      new Uint8Array(5),
      "f.st: truncated: 5 bytes, but a safetensors file starts with an 8-byte header length",
    ],
    [
      "header past the end",
      handMade({}, 0, 500),
      "truncated: the header claims 500 bytes but only 2 follow the length",
    ],
    ["huge header", handMade({}, 0, 2 ** 40), "exceeds the 100000000-byte limit"],
    [
      "invalid JSON",
      (() => {
        const b = handMade({ a: 1 }, 0);
        b[9] = 0x7b;
        return b;
      })(),
      "header is not valid JSON",
    ],
    ["not an object", handMade([1, 2], 0), "header must be a JSON object"],
    [
      "wrong dtype",
      handMade({ w: entry([2], [0, 4], "F16") }, 4),
      `tensor 'w' has dtype "F16"; netc reads F32 weights only`,
    ],
    ["bad shape", handMade({ w: entry([-1], [0, 4]) }, 4), "tensor 'w': shape must be a list of non-negative integers"],
    [
      "size mismatch",
      handMade({ w: entry([3], [0, 8]) }, 8),
      "tensor 'w': shape [3] needs 12 bytes but data_offsets [0, 8] span 8",
    ],
    [
      "out of range",
      handMade({ w: entry([4], [0, 16]) }, 12),
      "tensor 'w': data_offsets [0, 16] run past the end of the data (12 bytes)",
    ],
    [
      "overlap",
      handMade({ a: entry([2], [0, 8]), b: entry([2], [4, 12]) }, 12),
      "tensors 'a' [0, 8] and 'b' [4, 12] overlap",
    ],
    ["bad offsets", handMade({ w: entry([1], [4, 0]) }, 4), "tensor 'w': data_offsets must be [begin, end]"],
    ["bad metadata", handMade({ __metadata__: { n: 3 } }, 0), "__metadata__ value 'n' must be a string"],
  ];
  for (const [what, bytes, message] of cases) {
    it(what, () => expect(() => parseSafetensors(bytes, "f.st")).toThrow(message));
  }
  it("NaN check names the tensor and element", () => {
    const bytes = handMade({ w: entry([2], [0, 8]) }, 8);
    new DataView(bytes.buffer).setFloat32(bytes.length - 4, NaN, true);
    expect(parseSafetensors(bytes, "f.st").tensors.get("w")!.data[1]).toBeNaN();
    expect(() => parseSafetensors(bytes, "f.st", { checkFinite: true })).toThrow("tensor 'w' holds NaN at element 1");
  });
  it("a truncated file on disk", () => {
    const file = join(tempDir(), "t.safetensors");
    writeSafetensors(file, tensors);
    const bytes = readFileSync(file);
    writeFileSync(file, bytes.subarray(0, bytes.length - 10));
    expect(() => readSafetensors(file)).toThrow("run past the end of the data");
  });
});

describe("weights against the model's parameter list", () => {
  const program: Program = {
    inputs: [0],
    outputs: [1],
    nodes: [
      { id: 0, name: "digit", attrs: { op: "input", name: "digit" }, inputs: [], shape: [28, 28, 1], params: [] },
      {
        id: 1,
        name: "conv_0",
        attrs: {
          op: "conv",
          filters: 6,
          kernel: [5, 5],
          stride: [1, 1],
          pad: [2, 2, 2, 2],
          dilation: [1, 1],
          groups: 1,
          bias: true,
        },
        inputs: [0],
        shape: [28, 28, 6],
        params: [
          { name: "kernel", shape: [5, 5, 1, 6], trainable: true },
          { name: "bias", shape: [6], trainable: true },
        ],
      },
    ],
  };
  it("lists keys as <layer>.<tensor>", () => {
    expect(weightSpecs(program)).toEqual([
      { key: "conv_0.kernel", shape: [5, 5, 1, 6] },
      { key: "conv_0.bias", shape: [6] },
    ]);
  });
  it("reports missing, mis-shaped and unexpected tensors together", () => {
    const wrong = new Map<string, TensorData>([
      ["conv_0.kernel", { shape: [5, 5, 3, 6], data: new Float32Array(450) }],
      ["conv_9.bias", { shape: [6], data: new Float32Array(6) }],
    ]);
    let message = "";
    try {
      checkWeights(wrong, weightSpecs(program), "w.safetensors");
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain("w.safetensors does not fit the model:");
    expect(message).toContain("tensor 'conv_0.kernel': expected [5, 5, 1, 6], got [5, 5, 3, 6]");
    expect(message).toContain("missing tensor 'conv_0.bias' (expected shape [6])");
    expect(message).toContain("unexpected tensor 'conv_9.bias'");
    expect(() =>
      checkWeights(new Map([...tensors].slice(0, 2)), weightSpecs(program), "w", { allowExtra: true }),
    ).not.toThrow();
  });
  it("loadWeights reads, checks and refuses NaN", () => {
    const file = join(tempDir(), "lenet.safetensors");
    const good = new Map([...tensors].slice(0, 2));
    writeSafetensors(file, good);
    expect(loadWeights(file, program).get("conv_0.bias")).toEqual(good.get("conv_0.bias"));
    const bad = new Map(good);
    bad.set("conv_0.bias", { shape: [6], data: Float32Array.of(1, 2, Infinity, 4, 5, 6) });
    writeSafetensors(file, bad);
    expect(() => loadWeights(file, program)).toThrow("tensor 'conv_0.bias' holds Infinity at element 2");
  });
});
