// The emitted module as a standalone artefact: strict-typechecks alone with lib es2022 + dom,
// imports nothing, escapes hostile source strings, embeds weights, and fails clearly on bad data.
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { emitTs, paramSpecsInOrder } from "../../src/backends/emit-ts/index.ts";
import type { Graph } from "../../src/ir/graph.ts";
import {
  serializeSafetensors,
  type TensorData,
} from "../../src/io/safetensors.ts";
import { createExecutor, initializeParams } from "../../src/runtime/index.ts";
import { concatBytes } from "./concat-bytes.ts";
import {
  graphsOfFile,
  graphsOfSource,
  importEmitted,
  maxAbsDiff,
  sampleInput,
  TWO_WAY,
} from "./emit-helpers.ts";

const HOSTILE_NAME =
  '</script>"; globalThis.pwned = 1; //\u2028`${globalThis.pwned = 2}`';
const HOSTILE = `
model Tiny {
  input x: [4, 4, 2]
  conv(3, 3x3, pad = 1, name = "stem")
  relu
  batchnorm
  flatten
  dense(5)
}
`;

function tensorsOf(
  graph: Graph,
  weights: ReadonlyMap<string, Float32Array>,
): Map<string, TensorData> {
  return new Map(
    paramSpecsInOrder(graph).map(({ key, spec }) => [
      key,
      { shape: spec.shape, data: weights.get(key)! },
    ]),
  );
}


/** Every sequence op family of spec section 11 in one trainable model (a tied output layer). */
const SEQUENCE_NET = `
model Sequence {
  input ids: [8] int
  embedding(20, 8, name = "wte")
  positional(8)
  layernorm
  attention(2, causal = true)
  rmsnorm
  lstm(8, return_sequences = true)
  gru(8, return_sequences = true)
  transpose([1, 0])
  transpose([1, 0])
  prelu
  clip(-1, 1)
  exp
  dense(20, tie = "wte")
}

train Sequence {
  loss: cross_entropy
  optimizer: adam(lr = 0.01)
  batch: 2
}
`;

describe("the emitted module", () => {
  const [lenet] = graphsOfFile("examples/lenet5.net");
  let code = "";
  beforeAll(async () => {
    code = await emitTs(lenet);
  });

  it("imports nothing and is Prettier-formatted", async () => {
    expect(code).not.toMatch(/^\s*import\b/m);
    expect(code).not.toMatch(/\brequire\s*\(/);
    expect(code).not.toMatch(/\bimport\s*\(/);
    const { format } = await import("prettier");
    expect(await format(code, { parser: "typescript" })).toBe(code);
  });

  it("passes tsc --strict --noEmit with lib es2022 and dom: with --train, depthwise, two inputs, TypeScript kernels only, sequence ops", async () => {
    const dir = mkdtempSync(join(tmpdir(), "netc-emit-tsc-"));
    const [mobilenet] = graphsOfFile("examples/mobilenet_v1.net");
    const modules: Record<string, string> = {
      "model.ts": code,
      "train.ts": await emitTs(lenet, { train: true }),
      "mobilenet.ts": await emitTs(mobilenet, { maxBatch: 4 }),
      "two-way.ts": await emitTs(graphsOfSource(TWO_WAY)[0]),
      "js-only.ts": await emitTs(lenet, { kernels: "js" }),
      "sequence.ts": await emitTs(graphsOfSource(SEQUENCE_NET)[0], { train: true, kernels: "js" }),
    };
    for (const [file, text] of Object.entries(modules))
      writeFileSync(join(dir, file), text);
    const config = {
      compilerOptions: {
        strict: true,
        // Node runs .ts files by stripping types: no enums, namespaces, parameter properties.
        erasableSyntaxOnly: true,
        noEmit: true,
        target: "ES2022",
        module: "ES2022",
        lib: ["es2022", "dom"],
        types: [],
      },
      files: Object.keys(modules),
    };
    writeFileSync(join(dir, "tsconfig.json"), JSON.stringify(config));
    const tsc = resolve("node_modules/typescript/bin/tsc");
    // Throws (with tsc's diagnostics) on any error.
    execFileSync(process.execPath, [tsc, "-p", join(dir, "tsconfig.json")], {
      encoding: "utf8",
    });
  }, 180_000);

  it("holds only the kernels the model uses, and the WebAssembly kernels as bytes", () => {
    expect(code).toContain("convKernel");
    for (const unused of [
      "batchnormKernel",
      "upsampleKernel",
      "maxoutKernel",
      "concatKernel",
    ])
      expect(code).not.toContain(unused);
    // The kernel modules are embedded, built: no WebAssembly emitter, no thread pool.
    expect(code).toMatch(
      /KERNEL_MODULES[^=]*= \[\s*\{\s*config: \{[^}]*gemm: \{[^}]*fma: true/,
    );
    for (const absent of [
      "ModuleBuilder",
      "emitGemm",
      "startHelper",
      "worker_threads",
      "createWasmKernels(",
    ])
      expect(code).not.toContain(absent);
  });

  it("with --kernels js, leaves the WebAssembly side out", async () => {
    const js = await emitTs(lenet, { kernels: "js" });
    for (const absent of [
      "KERNEL_MODULES",
      "instantiateWasmKernels",
      "wasmBackend",
    ])
      expect(js).not.toContain(absent);
    expect(js.length).toBeLessThan(code.length / 2);
    expect((await importEmitted(js)).kernels).toBe("js");
  });

  it("checks the input length", async () => {
    const m = await importEmitted(code);
    expect(() => m.forward(new Float32Array(28 * 28 + 1))).toThrow(
      /input "digit" has 785 floats, expected 784 = batch 1 × \[28, 28, 1\]/,
    );
    expect(() => m.forward(new Float32Array(28 * 28), 2)).toThrow(
      /expected 1568 = batch 2/,
    );
  });

  describe("loadWeights", () => {
    const weights = initializeParams(lenet, 1);
    const good = tensorsOf(lenet, weights);
    const bytes = (tensors: Map<string, TensorData>) =>
      concatBytes(serializeSafetensors(tensors));

    it("names a missing tensor", async () => {
      const m = await importEmitted(code);
      const missing = new Map(good);
      missing.delete("dense_1.kernel");
      expect(() => m.loadWeights(bytes(missing))).toThrow(
        /missing tensor 'dense_1.kernel' \(expected shape \[120, 84\]\)/,
      );
    });

    it("names a misshapen tensor", async () => {
      const m = await importEmitted(code);
      const wrong = new Map(good);
      wrong.set("dense_2.bias", { shape: [11], data: new Float32Array(11) });
      expect(() => m.loadWeights(bytes(wrong))).toThrow(
        /tensor 'dense_2.bias': expected \[10\], got \[11\]/,
      );
    });

    it("reports a truncated file", async () => {
      const m = await importEmitted(code);
      const full = bytes(good);
      expect(() => m.loadWeights(full.subarray(0, full.length - 8))).toThrow(
        /tensor '[^']+': data_offsets \[\d+, \d+\] run past the end of the data .* truncated/,
      );
      expect(() => m.loadWeights(full.subarray(0, 20))).toThrow(
        /truncated: the header claims/,
      );
      expect(() => m.loadWeights(full.subarray(0, 5))).toThrow(
        /truncated: 5 bytes/,
      );
    });
  });

  it("with embedded weights, forward works at once and matches the runtime", async () => {
    const weights = initializeParams(lenet, 5);
    const m = await importEmitted(
      await emitTs(lenet, { weights, embedWeights: true }),
    );
    const x = sampleInput(3 * 784, 9);
    const executor = createExecutor(lenet, { maxBatch: 3, training: false });
    executor.setParams(weights);
    expect(
      maxAbsDiff(m.forward(x, 3), executor.forward([x], 3)[0]),
    ).toBeLessThanOrEqual(1e-5);
  });
});

describe("hostile names", () => {
  it("are refused by the checker as layer names", () => {
    expect(() =>
      graphsOfSource(HOSTILE.replace('"stem"', JSON.stringify(HOSTILE_NAME))),
    ).toThrow(/layer name must be/);
  });

  // Graphs also come from the API, so the emitter escapes whatever names it is given.
  it("reach the emitted code only as escaped string literals", async () => {
    const [checked] = graphsOfSource(HOSTILE);
    const graph: Graph = {
      ...checked,
      model: HOSTILE_NAME,
      nodes: checked.nodes.map((n) =>
        n.name === "stem" ? { ...n, name: HOSTILE_NAME } : n,
      ),
    };
    const weights = initializeParams(graph, 2);
    const code = await emitTs(graph, { weights, embedWeights: true });
    expect(code).not.toContain("</script>");
    expect(code).not.toContain("\u2028");
    const m = await importEmitted(code);
    expect((globalThis as { pwned?: number }).pwned).toBeUndefined();
    expect(m.modelName).toBe(HOSTILE_NAME); // it stayed one string, character for character
    const x = sampleInput(32, 4);
    const executor = createExecutor(graph, { maxBatch: 1, training: false });
    executor.setParams(weights);
    expect(
      maxAbsDiff(m.forward(x), executor.forward([x], 1)[0]),
    ).toBeLessThanOrEqual(1e-5);
  });
});
