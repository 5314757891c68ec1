// Every op, through the generated PyTorch module, against PyTorch's own outputs for the same
// weights: test/fixtures/onnx/ops.json (test/fixtures/onnx/gen_ops.py) for sections 4–10 and
// test/fixtures/runtime/torch-sequence.json (gen_torch_sequence.py) for section 11.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { emitModelPy } from "../../src/backends/pytorch/emit-model.ts";
import { PYTORCH_OPS } from "../../src/backends/pytorch/ops.ts";
import { ops as languageOps } from "../../src/check/ops/registry.ts";
import { referenceKernels } from "../../src/runtime/index.ts";
import type { Kernel, OpName, Program, ProgramNode } from "../../src/runtime/index.ts";
import { readNpy, writeNpy } from "../../src/io/npy.ts";
import { writeSafetensors } from "../../src/io/safetensors.ts";
import { opFixtures } from "../onnx/fixtures.ts";
import { expectClose, type BatchedArray } from "../onnx/onnx-harness.ts";
import { sequenceFixture, type TorchSequenceCase } from "../runtime/torch-sequence-fixture.ts";
import { runPython } from "./python.ts";

const FORWARD_PY = new URL("./forward.py", import.meta.url).pathname;

/** A section 11 fixture case as a program (an input node per input, then the op) with its weights. */
function sequenceProgram(c: TorchSequenceCase): { program: Program; weights: Map<string, { shape: number[]; data: Float32Array }> } {
  const inputs: ProgramNode[] = c.inShapes.map((shape, i) => ({
    id: i,
    name: `x${i}`,
    attrs: c.intInputs.includes(i) ? { op: "input", name: `x${i}`, dtype: "int" } : { op: "input", name: `x${i}` },
    inputs: [],
    shape,
    params: [],
  }));
  const params = (referenceKernels[c.attrs.op] as Kernel<OpName>).params(c.attrs as never, c.inShapes);
  const op: ProgramNode = { id: inputs.length, name: "op", attrs: c.attrs, inputs: inputs.map((n) => n.id), shape: c.outShape, params };
  const weights = new Map(params.map((p, i) => [`op.${p.name}`, { shape: [...p.shape], data: Float32Array.from(c.params[i]!) }]));
  return { program: { nodes: [...inputs, op], inputs: inputs.map((n) => n.id), outputs: [op.id] }, weights };
}

interface Job {
  readonly package: string;
  readonly class: string;
  readonly weights: string;
  readonly inputs: string[];
  readonly outputs: string[];
}

/** model.py, weights and inputs of one program in `folder`, as a job for forward.py. */
function writeJob(
  folder: string,
  program: Program,
  weights: ReadonlyMap<string, { shape: readonly number[]; data: Float32Array }>,
  inputs: readonly { shape: readonly number[]; data: Float32Array | Int32Array }[],
  outputCount: number,
): Job {
  mkdirSync(folder);
  writeFileSync(join(folder, "model.py"), emitModelPy(program, { className: "Model" }));
  writeSafetensors(join(folder, "weights.safetensors"), new Map(weights));
  return {
    package: folder,
    class: "Model",
    weights: join(folder, "weights.safetensors"),
    inputs: inputs.map((input, i) => {
      const path = join(folder, `x${i}.npy`);
      writeNpy(path, input);
      return path;
    }),
    outputs: Array.from({ length: outputCount }, (_, i) => join(folder, `y${i}.npy`)),
  };
}

describe("the PyTorch module matches PyTorch on every op", () => {
  const dir = mkdtempSync(join(tmpdir(), "netc-pytorch-ops-"));
  const outputs = new Map<string, BatchedArray[]>();

  beforeAll(() => {
    const jobs = new Map<string, Job>();
    for (const fixture of opFixtures) {
      const weights = new Map(
        fixture.program.nodes.flatMap((node) =>
          node.params.map((p) => {
            const key = `${node.name}.${p.name}`;
            return [key, { shape: p.shape, data: fixture.weights.get(key)! }] as const;
          }),
        ),
      );
      jobs.set(fixture.name, writeJob(join(dir, fixture.name), fixture.program, weights, fixture.inputs, fixture.outputs.length));
    }
    sequenceFixture.cases.forEach((c, index) => {
      const { program, weights } = sequenceProgram(c);
      const inputs = c.inputs.map((data, i) => {
        const shape = [c.batch, ...c.inShapes[i]!];
        return { shape, data: c.intInputs.includes(i) ? Int32Array.from(data) : Float32Array.from(data) };
      });
      jobs.set(c.name, writeJob(join(dir, `sequence-${index}`), program, weights, inputs, 1));
    });
    writeFileSync(join(dir, "jobs.json"), JSON.stringify([...jobs.values()]));
    runPython([FORWARD_PY, join(dir, "jobs.json")]);
    for (const [name, job] of jobs) {
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

  it("has an entry for every op of the language, each covered by a fixture", () => {
    const language = Object.keys(languageOps);
    expect(language.filter((op) => !PYTORCH_OPS.includes(op))).toEqual([]);
    const covered = new Set([
      ...opFixtures.flatMap((f) => f.program.nodes.map((n) => n.attrs.op as string)),
      ...sequenceFixture.cases.map((c) => c.attrs.op as string),
    ]);
    expect(language.filter((op) => !covered.has(op))).toEqual([]);
  });

  for (const fixture of opFixtures) {
    it(fixture.name, () => {
      const actual = outputs.get(fixture.name)!;
      expect(actual).toHaveLength(fixture.outputs.length);
      fixture.outputs.forEach((expected, i) => expectClose(actual[i], expected, `${fixture.name} output ${i}`));
    });
  }

  for (const c of sequenceFixture.cases) {
    it(c.name, () => {
      const [actual] = outputs.get(c.name)!;
      expectClose(actual, { shape: [c.batch, ...c.outShape], data: Float32Array.from(c.output) }, `${c.name} vs PyTorch`);
    });
  }
});
