// ONNX export of the spec section 11 ops: onnxruntime on the exported model equals PyTorch
// (the fixtures of test/fixtures/runtime/gen_torch_sequence.py) and netc's own runtime, op by
// op and on small transformer, recurrent and general-op models written in .net.
import { describe, expect, it } from "vitest";
import { exportOnnx } from "../../src/backends/onnx/index.ts";
import { check } from "../../src/check/index.ts";
import { initializeParams, referenceKernels, Rng } from "../../src/runtime/index.ts";
import type { Kernel, OpName, Program, ProgramNode } from "../../src/runtime/index.ts";
import { parse } from "../../src/syntax/parse.ts";
import { sequenceFixture, type TorchSequenceCase } from "../runtime/torch-sequence-fixture.ts";
import { expectClose, expectRuntimeParity, runOnnx, type BatchedArray } from "./onnx-harness.ts";

/** One fixture case as a program: an input node per input shape, then the op. */
function programOf(c: TorchSequenceCase): { program: Program; weights: Map<string, Float32Array> } {
  const inputs: ProgramNode[] = c.inShapes.map((shape, i) => ({
    id: i,
    name: `x${i}`,
    attrs: c.intInputs.includes(i) ? { op: "input", name: `x${i}`, dtype: "int" } : { op: "input", name: `x${i}` },
    inputs: [],
    shape,
    params: [],
  }));
  const kernel = referenceKernels[c.attrs.op] as Kernel<OpName>;
  const params = kernel.params(c.attrs as never, c.inShapes);
  const op: ProgramNode = {
    id: inputs.length,
    name: "op",
    attrs: c.attrs,
    inputs: inputs.map((n) => n.id),
    shape: c.outShape,
    params,
  };
  const weights = new Map(params.map((p, i) => [`op.${p.name}`, Float32Array.from(c.params[i]!)]));
  return { program: { nodes: [...inputs, op], inputs: inputs.map((n) => n.id), outputs: [op.id] }, weights };
}

const inputsOf = (c: TorchSequenceCase): BatchedArray[] =>
  c.inputs.map((data, i) => ({
    shape: [c.batch, ...c.inShapes[i]!],
    data: Float32Array.from(data),
    ...(c.intInputs.includes(i) ? { dtype: "int" as const } : {}),
  }));

describe("onnxruntime on the exported op equals PyTorch and netc's runtime", () => {
  for (const c of sequenceFixture.cases) {
    it(c.name, async () => {
      const { program, weights } = programOf(c);
      const [actual] = await runOnnx(exportOnnx(program, weights), inputsOf(c));
      expectClose(actual!, { shape: [c.batch, ...c.outShape], data: Float32Array.from(c.output) }, `${c.name} vs PyTorch`);
      await expectRuntimeParity(program, weights, inputsOf(c), c.name);
    });
  }
});

/** A checked model, seeded weights, and random inputs (ids below each embedding's vocab). */
async function modelParity(source: string, batch = 2, vocab = 10): Promise<Program> {
  const parsed = parse(source);
  const result = check(parsed.program);
  expect([...parsed.diagnostics, ...result.diagnostics].filter((d) => d.severity === "error")).toEqual([]);
  const program = [...result.graphs.values()][0]!;
  const rng = new Rng(7);
  const inputs = program.inputs.map((id) => {
    const node = program.nodes[id]!;
    const size = batch * node.shape.reduce((a, b) => a * b, 1);
    const int = node.attrs.op === "input" && node.attrs.dtype === "int";
    const data = Float32Array.from({ length: size }, () => (int ? Math.floor(rng.uniform() * vocab) : rng.uniform() * 2 - 1));
    return { shape: [batch, ...node.shape], data };
  });
  await expectRuntimeParity(program, initializeParams(program, 3), inputs, program.model);
  return program;
}

describe("onnxruntime equals netc's runtime on small sequence models", () => {
  it("a GPT: causal pre-norm blocks, learned positions, a head tied to the token table", async () => {
    await modelParity(`model TinyGPT {
      input ids: [8] int
      embedding(10, 16, name = "wte")
      positional(12)
      repeat 2 {
        parallel add { { } { layernorm  attention(4, causal = true) } }
        parallel add { { } { layernorm  dense(32)  gelu  dense(16) } }
      }
      layernorm
      dense(10, tie = "wte", bias = false)
    }`);
  });

  it("a next-token model: the last position into a tied head with a bias (Gemm with transB)", async () => {
    await modelParity(`model NextChar {
      input ids: [5] int
      embedding(10, 6, name = "table")
      lstm(6, return_sequences = true)
      take(-1)
      dense(10, tie = "table")
    }`);
  });

  it("a BERT: two id inputs, segment table, post-norm blocks, pooler", async () => {
    await modelParity(
      `model TinyBERT {
        input ids: [6] int
        input segments: [6] int
        embedding(2, 8) -> segment
        from ids
        embedding(10, 8)
        positional(6)
        add(segment)
        layernorm(eps = 1e-12)
        parallel add { { } { attention(2) } }
        layernorm
        take(0)
        dense(8)
        tanh
      }`,
      2,
      2,
    );
  });

  it("a ViT: patch conv, reshape to a sequence, class token, sinusoidal positions, take(0)", async () => {
    await modelParity(`model TinyViT {
      input image: [8, 8, 3]
      conv(12, 4x4, stride = 4)
      reshape([-1, 12])
      class_token
      positional(5, mode = "sinusoidal")
      parallel add { { } { rmsnorm  attention(3) } }
      layernorm
      take(0)
      dense(4)
    }`);
  });

  it("cross-attention, returned sequences and the last step of LSTM and GRU, pooling over positions", async () => {
    await modelParity(`model Recurrent {
      input memory: [5, 6]
      input x: [7, 4]
      lstm(8, return_sequences = true)
      attention(2, context = memory) -> a
      gru(6, return_sequences = true)
      globalmaxpool -> g
      from a
      lstm(6)
      add(g)
      from a
      gru(5)
      concat(g)
    }`);
  });

  it("the general ops: merges, transpose, elementwise, clip, prelu and norms on images and sequences", async () => {
    await modelParity(`model General {
      input image: [6, 6, 4]
      conv(6, 3x3, pad = 1)
      prelu
      groupnorm(3)
      instancenorm -> n
      abs
      sqrt
      sub(n)
      exp
      log
      clip(-1, 1.5)
      selu
      reshape([-1, 6])
      hard_sigmoid -> s
      neg
      maximum(s)
      minimum(s)
      div(s)
      transpose([1, 0])
      prelu
      groupnorm(2)
      instancenorm
      globalavgpool
    }`);
  });
});

describe("int64 token ids in the ONNX graph", () => {
  it("declares an int input as int64 and keeps float inputs float", async () => {
    const program = await modelParity(`model Ids {
      input ids: [4] int
      embedding(10, 3)
      globalavgpool
    }`);
    const onnx = exportOnnx(program, initializeParams(program, 0));
    const ort = await import("onnxruntime-node");
    const session = await ort.InferenceSession.create(onnx);
    await expect(
      session.run({ ids: new ort.Tensor("float32", new Float32Array(4), [1, 4]) }),
    ).rejects.toThrow(/int64|type/i);
  });
});
