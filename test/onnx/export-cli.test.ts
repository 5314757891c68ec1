// `netc export`: check, weights (file or seeded init), atomic write, clear errors.
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { UsageError } from "../../src/cli/check.ts";
import { runExport } from "../../src/cli/export.ts";
import { InputError, toCliError } from "../../src/cli/errors.ts";
import { writeSafetensors } from "../../src/io/safetensors.ts";
import { createExecutor, initializeParams } from "../../src/runtime/index.ts";
import { check } from "../../src/check/index.ts";
import { parse } from "../../src/syntax/parse.ts";
import { expectClose, runOnnx } from "./onnx-harness.ts";

const dir = mkdtempSync(join(tmpdir(), "netc-export-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const source = `model Tiny(width = 4) {
  input image: [6, 6, 2]
  conv(width, 3x3, pad = 1)
  batchnorm
  relu
  globalavgpool
  dense(3)
  softmax -> probs
}

model Other {
  input v: [3]
  dense(2)
}
`;
const netFile = join(dir, "tiny.net");
writeFileSync(netFile, source);

let stdout: string;
beforeEach(() => {
  stdout = "";
  vi.spyOn(process.stderr, "write").mockImplementation(() => true);
  vi.spyOn(process.stdout, "write").mockImplementation((chunk) => ((stdout += String(chunk)), true));
});
afterEach(() => vi.restoreAllMocks());

function tinyGraph(width: number) {
  return check(parse(source).program, { model: "Tiny", params: { width } }).graphs.get("Tiny")!;
}

const image = { shape: [2, 6, 6, 2], data: Float32Array.from({ length: 144 }, (_, i) => Math.sin(i * 0.37)) };

async function expectMatchesRuntime(onnxPath: string, weights: Map<string, Float32Array>, width: number) {
  const graph = tinyGraph(width);
  const executor = createExecutor(graph, { maxBatch: 2, training: false });
  executor.setParams(weights);
  const expected = { shape: [2, 3], data: Float32Array.from(executor.forward([image.data], 2)[0]) };
  const [actual] = await runOnnx(new Uint8Array(readFileSync(onnxPath)), [image]);
  expectClose(actual, expected, "probs");
}

describe("runExport", () => {
  it("exports the seed-0 initialisation when no weights are given, with --param applied", async () => {
    const out = join(dir, "tiny-init.onnx");
    expect(await runExport(netFile, { model: "Tiny", params: { width: 5 }, onnx: out })).toBe(0);
    expect(stdout).toContain(`wrote ${out}: Tiny,`);
    await expectMatchesRuntime(out, initializeParams(tinyGraph(5), 0), 5);
  });

  it("exports the weights of a safetensors file", async () => {
    const graph = tinyGraph(4);
    const weights = initializeParams(graph, 7);
    for (const values of weights.values()) values.forEach((v, i) => (values[i] = v + 0.01 * ((i % 5) - 2)));
    const shapes = new Map<string, readonly number[]>(
      graph.nodes.flatMap((n) => n.params.map((p) => [`${n.name}.${p.name}`, p.shape] as const)),
    );
    const file = join(dir, "tiny.safetensors");
    writeSafetensors(file, new Map([...weights].map(([k, data]) => [k, { shape: shapes.get(k)!, data }])));
    const out = join(dir, "tiny-trained.onnx");
    expect(await runExport(netFile, { model: "Tiny", params: {}, onnx: out, weights: file })).toBe(0);
    await expectMatchesRuntime(out, weights, 4);
  });

  it("asks for --model when the file holds several models", async () => {
    const out = join(dir, "ambiguous.onnx");
    const refused = runExport(netFile, { params: {}, onnx: out });
    await expect(refused).rejects.toBeInstanceOf(UsageError);
    await expect(refused).rejects.toThrow("several models (Tiny, Other); choose one with --model");
    expect(existsSync(out)).toBe(false);
  });

  it("reports check errors with file:line:col and writes nothing", async () => {
    const bad = join(dir, "bad.net");
    writeFileSync(bad, "model Bad {\n  input x: [4, 4, 1]\n  dense(3)\n}\n");
    const out = join(dir, "bad.onnx");
    const refused = runExport(bad, { params: {}, onnx: out });
    await expect(refused).rejects.toBeInstanceOf(InputError);
    await expect(refused).rejects.toThrow(new RegExp(`^${bad.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:3:3: error NET\\d+: `));
    expect(existsSync(out)).toBe(false);
  });

  it("refuses weights that do not fit the model and leaves no file behind", async () => {
    const graph = tinyGraph(4);
    const file = join(dir, "wrong.safetensors");
    const kernel = graph.nodes.find((n) => n.name === "conv_0")!.params[0];
    writeSafetensors(file, new Map([["conv_0.kernel", { shape: kernel.shape, data: new Float32Array(72) }]]));
    const out = join(dir, "wrong.onnx");
    const refused = runExport(netFile, { model: "Tiny", params: {}, onnx: out, weights: file }).catch((e) => {
      throw toCliError(e);
    });
    await expect(refused).rejects.toBeInstanceOf(InputError);
    await expect(refused).rejects.toThrow("missing tensor 'dense_0.kernel'");
    expect(readdirSync(dir).filter((f) => f.includes("wrong.onnx"))).toEqual([]);
  });
});
