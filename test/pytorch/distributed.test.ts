// LeNet-5 on MNIST from `netc data mnist`: train.py under torchrun with two Gloo processes
// reaches the single-process validation accuracy, `netc evaluate` agrees with it on its
// weights, and `netc compile` turns those weights into a module whose output is PyTorch's.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCompile } from "../../src/cli/compile.ts";
import { runData } from "../../src/cli/data.ts";
import { runEvaluate } from "../../src/cli/evaluate.ts";
import { runExport } from "../../src/cli/export.ts";
import { readNpy, writeNpy } from "../../src/io/npy.ts";
import { importEmitted } from "../emit/emit-helpers.ts";
import { expectClose } from "../onnx/onnx-harness.ts";
import { captured, readArray } from "./harness.ts";
import { runPython } from "./python.ts";

const LENET = new URL("../../examples/lenet5.net", import.meta.url).pathname;
const FORWARD_PY = new URL("./forward.py", import.meta.url).pathname;

interface EpochEvent {
  readonly event: string;
  readonly val?: { readonly accuracy: number; readonly macro_f1: number; readonly loss: number };
}

/** The epoch events of a train.py run; torchrun's --tee prefixes rank 0's lines with `[default0]:`. */
function epochs(stdout: string): EpochEvent[] {
  return stdout
    .split("\n")
    .map((l) => l.replace(/^\[default\d+\]:/, ""))
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as EpochEvent)
    .filter((e) => e.event === "epoch");
}

describe("torchrun with two processes on LeNet-5 and MNIST", () => {
  const dir = mkdtempSync(join(tmpdir(), "netc-pytorch-ddp-"));
  const mnist = join(dir, "mnist");
  const pkg = join(dir, "lenet5");
  const train = ["train.py", "--data", mnist, "--epochs", "1", "--device", "cpu", "--json"];
  let single: EpochEvent;
  let distributed: EpochEvent;
  let distributedStdout: string;

  beforeAll(async () => {
    expect((await captured(() => runData("mnist", { out: mnist }))).code).toBe(0);
    expect((await captured(() => runExport(LENET, { params: {}, pytorch: pkg }))).code).toBe(0);
    [single] = epochs(runPython([...train, "--out", join(dir, "single.safetensors")], { cwd: pkg }).stdout);
    // Debian's torch 1.13 under Python 3.11 needs explicit --redirects/--tee (its default "0" no
    // longer parses); `--tee 1` passes every rank's stdout through, prefixed.
    const torchrun = ["-m", "torch.distributed.run", "--standalone", "--nproc_per_node=2", "--redirects", "1", "--tee", "1"];
    const logs = ["--log_dir", join(dir, "logs")];
    distributedStdout = runPython([...torchrun, ...logs, ...train, "--out", join(dir, "ddp.safetensors")], {
      cwd: pkg,
      timeout: 400_000,
    }).stdout;
    [distributed] = epochs(distributedStdout);
  }, 600_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("finishes, with one epoch line from rank 0 only", () => {
    expect(epochs(distributedStdout)).toHaveLength(1);
    expect(distributedStdout).toContain(`{"event": "done", "weights": "${join(dir, "ddp.safetensors")}"}`);
    expect(distributedStdout).not.toMatch(/\[default1\]:\{/);
  });

  it("reaches the single-process validation accuracy within 0.5 points", () => {
    expect(single.val!.accuracy).toBeGreaterThan(0.9);
    expect(Math.abs(distributed.val!.accuracy - single.val!.accuracy)).toBeLessThanOrEqual(0.005);
  });

  it("gives the same accuracy in netc evaluate", async () => {
    const weights = join(dir, "ddp.safetensors");
    const { code, lines } = await captured(() => runEvaluate(LENET, { params: {}, weights, data: "mnist", json: true }));
    expect(code).toBe(0);
    type Result = { count: number; metrics: { accuracy: number; macro_f1: number }; loss: number };
    const result = JSON.parse(lines[0]) as Result;
    expect(result.count).toBe(2000);
    // One borderline digit may fall the other way between the two runtimes' rounding.
    expect(Math.abs(result.metrics.accuracy - distributed.val!.accuracy)).toBeLessThanOrEqual(1 / 2000);
    expect(result.loss).toBeCloseTo(distributed.val!.loss, 4);
    expect(Math.abs(result.metrics.macro_f1 - distributed.val!.macro_f1)).toBeLessThanOrEqual(1e-3);
  }, 120_000);

  it("round trip: netc compile on the PyTorch-trained weights outputs what PyTorch outputs", async () => {
    const weights = join(dir, "ddp.safetensors");
    const module = join(dir, "lenet5.ts");
    const compile = { params: {}, out: module, weights, embedWeights: true, train: false, maxBatch: 8 };
    expect((await captured(() => runCompile(LENET, compile))).code).toBe(0);
    const valX = readNpy(join(mnist, "val-x.npy"));
    const x = { shape: [8, 28, 28, 1], data: Float32Array.from((valX.data as Float32Array).subarray(0, 8 * 784)) };
    writeNpy(join(dir, "x.npy"), x);
    const job = { package: pkg, class: "LeNet5", weights, inputs: [join(dir, "x.npy")], outputs: [join(dir, "torch.npy")] };
    writeFileSync(join(dir, "jobs.json"), JSON.stringify([job]));
    runPython([FORWARD_PY, join(dir, "jobs.json")]);
    const emitted = await importEmitted(readFileSync(module, "utf8"));
    const compiled = { shape: [8, 10], data: emitted.forward(x.data, 8) };
    expectClose(compiled, readArray(join(dir, "torch.npy")), "compiled module vs PyTorch", 1e-4, 1e-6);
  }, 300_000);
});
