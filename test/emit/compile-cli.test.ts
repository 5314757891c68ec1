// `netc compile` end to end through commander: a weights file in, an embedded-weights module out.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Command } from "commander";
import { describe, expect, it } from "vitest";
import { paramSpecsInOrder } from "../../src/backends/emit-ts/index.ts";
import { registerCompile } from "../../src/cli/compile.ts";
import { writeSafetensors } from "../../src/io/safetensors.ts";
import { createExecutor, initializeParams } from "../../src/runtime/index.ts";
import {
  graphsOfFile,
  importEmitted,
  maxAbsDiff,
  sampleInput,
} from "./emit-helpers.ts";

async function netc(...args: string[]): Promise<number | undefined> {
  const program = new Command("netc").exitOverride();
  registerCompile(program);
  process.exitCode = undefined;
  await program.parseAsync(args, { from: "user" });
  const code = process.exitCode;
  process.exitCode = undefined;
  return code;
}

describe("netc compile", () => {
  const dir = mkdtempSync(join(tmpdir(), "netc-compile-"));

  it("writes a module with the weights file embedded", async () => {
    const [graph] = graphsOfFile("examples/lenet5.net");
    const weights = initializeParams(graph, 11);
    const weightsPath = join(dir, "lenet.safetensors");
    writeSafetensors(
      weightsPath,
      new Map(
        paramSpecsInOrder(graph).map(({ key, spec }) => [
          key,
          { shape: spec.shape, data: weights.get(key)! },
        ]),
      ),
    );
    const out = join(dir, "lenet.ts");
    expect(
      await netc(
        "compile",
        "examples/lenet5.net",
        "-o",
        out,
        "--weights",
        weightsPath,
        "--embed-weights",
      ),
    ).toBe(0);
    const m = await importEmitted(readFileSync(out, "utf8"));
    const x = sampleInput(784, 1);
    const executor = createExecutor(graph, { maxBatch: 1, training: false });
    executor.setParams(weights);
    expect(
      maxAbsDiff(m.forward(x), executor.forward([x], 1)[0]),
    ).toBeLessThanOrEqual(1e-5);
  });

  it("--max-batch and --kernels shape the module; bad values are usage errors", async () => {
    const out = join(dir, "lenet-js.ts");
    expect(
      await netc(
        "compile",
        "examples/lenet5.net",
        "-o",
        out,
        "--max-batch",
        "3",
        "--kernels",
        "js",
      ),
    ).toBe(0);
    const m = await importEmitted(readFileSync(out, "utf8"));
    expect(m.maxBatch).toBe(3);
    expect(m.kernels).toBe("js");
    await expect(
      netc("compile", "examples/lenet5.net", "-o", out, "--max-batch", "0"),
    ).rejects.toThrow(/--max-batch expects a whole number from 1 to 65,536, got '0'/);
    await expect(
      netc("compile", "examples/lenet5.net", "-o", out, "--kernels", "gpu"),
    ).rejects.toThrow(
      /--kernels must be one of auto, wasm-simd, js, got "gpu"/,
    );
  });

  it("finds the runtime sources it inlines from its own location, not the working directory", () => {
    const out = join(dir, "from-elsewhere.ts");
    execFileSync(
      process.execPath,
      [
        resolve("bin/netc.js"),
        "compile",
        resolve("examples/lenet5.net"),
        "-o",
        out,
      ],
      { cwd: dir, encoding: "utf8" },
    );
    expect(readFileSync(out, "utf8")).toContain("export function forward(");
  }, 30_000);

  it("reports model errors with exit code 1 and --embed-weights without --weights as a usage error", async () => {
    const bad = join(dir, "bad.net");
    writeFileSync(bad, "model M {\n  input x: [4]\n  dense(0)\n}\n");
    await expect(netc("compile", bad, "-o", join(dir, "bad.ts"))).rejects.toMatchObject({ exitCode: 1 });
    await expect(
      netc(
        "compile",
        "examples/lenet5.net",
        "-o",
        join(dir, "x.ts"),
        "--embed-weights",
      ),
    ).rejects.toThrow(/--embed-weights needs --weights/);
  });
});
