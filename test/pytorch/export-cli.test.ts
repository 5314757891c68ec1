// `netc export --pytorch` on bad input: one target only, a non-empty folder needs --force,
// weights that do not fit get netc's per-tensor errors, an op without a PyTorch form names
// itself and its line, and nothing partial is ever left behind.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { buildPytorchPackage, PytorchExportError, writePackage } from "../../src/backends/pytorch/index.ts";
import { UsageError } from "../../src/cli/check.ts";
import { runExport } from "../../src/cli/export.ts";
import { LineMap } from "../../src/diagnostics/render.ts";
import type { Graph } from "../../src/ir/graph.ts";
import { captured, graphOf, randomWeights, writeWeights } from "./harness.ts";

const LENET = new URL("../../examples/lenet5.net", import.meta.url).pathname;
const NETC = new URL("../../bin/netc.js", import.meta.url).pathname;

describe("netc export --pytorch on bad input", () => {
  const dir = mkdtempSync(join(tmpdir(), "netc-pytorch-cli-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("needs exactly one of --onnx and --pytorch", async () => {
    await expect(runExport(LENET, { params: {} })).rejects.toThrow(UsageError);
    await expect(runExport(LENET, { params: {}, onnx: join(dir, "m.onnx"), pytorch: join(dir, "p") })).rejects.toThrow(
      /exactly one target/,
    );
  });

  it("writes the four files, then refuses a non-empty folder unless --force (exit 1, one line)", async () => {
    const pkg = join(dir, "lenet");
    expect((await captured(() => runExport(LENET, { params: {}, pytorch: pkg }))).code).toBe(0);
    expect(readdirSync(pkg).sort()).toEqual(["README.md", "model.py", "train.py", "weights.safetensors"]);
    writeFileSync(join(pkg, "notes.txt"), "mine");
    const run = spawnSync(process.execPath, [NETC, "export", LENET, "--pytorch", pkg], { encoding: "utf8" });
    expect(run.status).toBe(1);
    expect(run.stderr.trim().split("\n")).toEqual([`netc: error: ${pkg} is not empty; choose another folder or pass --force to replace it`]);
    expect(readFileSync(join(pkg, "notes.txt"), "utf8")).toBe("mine");
    expect((await captured(() => runExport(LENET, { params: {}, pytorch: pkg, force: true }))).code).toBe(0);
    expect(existsSync(join(pkg, "notes.txt"))).toBe(false);
    expect(readdirSync(dir).filter((f) => f.startsWith("."))).toEqual([]);
  }, 120_000);

  it("an empty folder is fine without --force", async () => {
    const pkg = join(dir, "empty");
    mkdirSync(pkg);
    expect((await captured(() => runExport(LENET, { params: {}, pytorch: pkg }))).code).toBe(0);
    expect(readdirSync(pkg)).toHaveLength(4);
  });

  it("reports weights that do not fit with netc's per-tensor errors and writes nothing", async () => {
    const weights = join(dir, "other.safetensors");
    const wrong = randomWeights(graphOf(LENET), 1);
    wrong.delete("dense_2.bias");
    wrong.set("conv_0.kernel", { shape: [3, 3, 1, 6], data: new Float32Array(54) });
    writeWeights(weights, wrong);
    const pkg = join(dir, "mismatch");
    const error = await runExport(LENET, { params: {}, pytorch: pkg, weights }).catch((e: unknown) => e);
    expect((error as Error).name).toBe("WeightsFileError");
    expect((error as Error).message).toContain("tensor 'conv_0.kernel': expected [5, 5, 1, 6], got [3, 3, 1, 6]");
    expect((error as Error).message).toContain("missing tensor 'dense_2.bias' (expected shape [10])");
    expect(existsSync(pkg)).toBe(false);
  });

  it("names an op it cannot express, with its line, and leaves no package", () => {
    const graph = graphOf(LENET);
    // An op the table does not know (as a new language op would be before its entry exists).
    const nodes = graph.nodes.map((n) => (n.name === "maxpool_1" ? { ...n, attrs: { op: "fourier" } } : n));
    const patched = { ...graph, nodes } as unknown as Graph;
    let error: unknown;
    try {
      buildPytorchPackage(patched, new Map(), { source: LENET, weightsSource: "none" });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PytorchExportError);
    const e = error as PytorchExportError;
    expect(e.message).toBe("cannot export maxpool_1 (fourier) to PyTorch: the PyTorch exporter has no translation for this op yet");
    const text = readFileSync(LENET, "utf8");
    const secondMaxpool = text.split("\n").lastIndexOf("  maxpool(2x2)") + 1;
    expect(new LineMap(text).position(e.span!.start).line).toBe(secondMaxpool);
  });

  it("a write that fails halfway leaves neither the folder nor its temporary", () => {
    const pkg = join(dir, "half");
    const files = new Map([
      ["model.py", [new TextEncoder().encode("x = 1\n")]],
      // model.py is a file, so no folder can be made under it.
      ["model.py/train.py", [new TextEncoder().encode("y = 2\n")]],
    ]);
    expect(() => writePackage(pkg, files, { force: false })).toThrow();
    expect(existsSync(pkg)).toBe(false);
    expect(readdirSync(dir).filter((f) => f.includes("half"))).toEqual([]);
  });
});
