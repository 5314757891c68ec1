// Every op, through the generated PyTorch module, against PyTorch's own outputs for the same
// weights (test/fixtures/onnx/ops.json, written by test/fixtures/onnx/gen_ops.py from torch).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { emitModelPy } from "../../src/backends/pytorch/emit-model.ts";
import { PYTORCH_OPS } from "../../src/backends/pytorch/ops.ts";
import { readNpy, writeNpy } from "../../src/io/npy.ts";
import { writeSafetensors } from "../../src/io/safetensors.ts";
import { opFixtures } from "../onnx/fixtures.ts";
import { expectClose, type BatchedArray } from "../onnx/onnx-harness.ts";
import { runPython } from "./python.ts";

const FORWARD_PY = new URL("./forward.py", import.meta.url).pathname;

describe("the PyTorch module matches PyTorch on every op", () => {
  const dir = mkdtempSync(join(tmpdir(), "netc-pytorch-ops-"));
  const outputs = new Map<string, BatchedArray[]>();

  beforeAll(() => {
    const jobs = opFixtures.map((fixture) => {
      const folder = join(dir, fixture.name);
      mkdirSync(folder);
      writeFileSync(join(folder, "model.py"), emitModelPy(fixture.program, { className: "Model" }));
      const weights = new Map(
        fixture.program.nodes.flatMap((node) =>
          node.params.map((p) => {
            const key = `${node.name}.${p.name}`;
            return [key, { shape: p.shape, data: fixture.weights.get(key)! }] as const;
          }),
        ),
      );
      writeSafetensors(join(folder, "weights.safetensors"), weights);
      const inputs = fixture.inputs.map((input, i) => {
        const path = join(folder, `x${i}.npy`);
        writeNpy(path, input);
        return path;
      });
      return {
        package: folder,
        class: "Model",
        weights: join(folder, "weights.safetensors"),
        inputs,
        outputs: fixture.outputs.map((_, i) => join(folder, `y${i}.npy`)),
      };
    });
    writeFileSync(join(dir, "jobs.json"), JSON.stringify(jobs));
    runPython([FORWARD_PY, join(dir, "jobs.json")]);
    for (const job of jobs) {
      const name = job.package.slice(dir.length + 1);
      outputs.set(
        name,
        job.outputs.map((path) => {
          const y = readNpy(path);
          return { shape: y.shape, data: Float32Array.from(y.data as Float32Array) };
        }),
      );
    }
  }, 300_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("has an entry for every op of the language's section 4, each covered by a fixture", () => {
    const section4 = [
      ...["conv", "depthwise", "pointwise", "separable", "conv_transpose", "upsample", "maxpool", "avgpool"],
      ...["globalavgpool", "globalmaxpool", "dense", "flatten", "reshape", "dropout", "batchnorm", "crop", "pad"],
      ...["relu", "relu6", "sigmoid", "tanh", "swish", "hard_swish", "gelu", "softplus", "identity"],
      ...["leaky_relu", "elu", "maxout", "softmax", "log_softmax", "add", "mul", "concat"],
    ];
    expect(section4.filter((op) => !PYTORCH_OPS.includes(op))).toEqual([]);
    const covered = new Set(opFixtures.flatMap((f) => f.program.nodes.map((n) => n.attrs.op as string)));
    expect(section4.filter((op) => !covered.has(op))).toEqual([]);
  });

  for (const fixture of opFixtures) {
    it(fixture.name, () => {
      const actual = outputs.get(fixture.name)!;
      expect(actual).toHaveLength(fixture.outputs.length);
      fixture.outputs.forEach((expected, i) => expectClose(actual[i], expected, `${fixture.name} output ${i}`));
    });
  }
});
