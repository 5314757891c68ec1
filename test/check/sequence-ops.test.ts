// Spec section 11 per op: shape, parameter tensors, params and MACs, worked out by hand from
// the section's tables (PyTorch / Keras formulas), plus the int dtype flowing through.
import { describe, expect, it } from "vitest";
import { check } from "../../src/check/index.ts";
import type { Graph, GraphNode } from "../../src/ir/graph.ts";
import { parse } from "../../src/syntax/parse.ts";

function graphOf(body: string): Graph {
  const { program, diagnostics } = parse(`model M {\n${body}\n}`);
  expect(diagnostics).toEqual([]);
  const result = check(program);
  expect(result.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  return result.graphs.get("M")!;
}

/** The last node after `input x: [shape]` (or `input ids: [shape] int` with `int`). */
function lastNode(input: string, body: string): GraphNode {
  return graphOf(`  input x: ${input}\n  ${body}`).nodes.at(-1)!;
}

const tensors = (n: GraphNode) => Object.fromEntries(n.params.map((p) => [p.name, [...p.shape]]));

describe("sequence ops", () => {
  it("embedding: [T] int → [T, dim], an embeddings table [vocab, dim], no MACs", () => {
    const n = lastNode("[12] int", "embedding(1000, 64)");
    expect([n.shape, tensors(n), n.paramCount, n.macs]).toEqual([[12, 64], { embeddings: [1000, 64] }, 64_000, 0]);
    expect(n.attrs).toEqual({ op: "embedding", vocab: 1000, dim: 64 });
  });

  it("an int input carries its dtype in the program", () => {
    const g = graphOf("  input ids: [12] int\n  embedding(10, 4)");
    expect(g.nodes[0]!.attrs).toEqual({ op: "input", name: "ids", dtype: "int" });
    expect(graphOf("  input x: [12]").nodes[0]!.attrs).toEqual({ op: "input", name: "x" });
  });

  it("positional: learned adds a [length, C] table; sinusoidal has no params", () => {
    const learned = lastNode("[10, 16]", "positional(32)");
    expect([learned.shape, tensors(learned), learned.macs]).toEqual([[10, 16], { embeddings: [32, 16] }, 0]);
    expect(learned.attrs).toEqual({ op: "positional", length: 32, mode: "learned" });
    const fixed = lastNode("[10, 16]", 'positional(10, mode = "sinusoidal")');
    expect([fixed.paramCount, fixed.attrs]).toEqual([0, { op: "positional", length: 10, mode: "sinusoidal" }]);
  });

  it("class_token: [T, C] → [T+1, C] with a token [C]", () => {
    const n = lastNode("[196, 768]", "class_token");
    expect([n.shape, tensors(n)]).toEqual([[197, 768], { token: [768] }]);
  });

  it("layernorm 2·C (eps 1e-5), rmsnorm C (eps 1e-6), over the last axis", () => {
    const ln = lastNode("[10, 48]", "layernorm");
    expect([ln.shape, tensors(ln), ln.attrs]).toEqual([[10, 48], { gamma: [48], beta: [48] }, { op: "layernorm", eps: 1e-5 }]);
    const rms = lastNode("[10, 48]", "rmsnorm");
    expect([tensors(rms), rms.attrs]).toEqual([{ gamma: [48] }, { op: "rmsnorm", eps: 1e-6 }]);
  });

  it("attention (self): 4·C² + 4·C params, 4·T·C² + 2·T²·C MACs", () => {
    const n = lastNode("[197, 768]", "attention(12)");
    expect(n.shape).toEqual([197, 768]);
    expect(n.paramCount).toBe(2_362_368); // 4·768² + 4·768
    expect(n.macs).toBe(4 * 197 * 768 ** 2 + 2 * 197 ** 2 * 768);
    expect(tensors(n)).toEqual({
      query_kernel: [768, 768],
      key_kernel: [768, 768],
      value_kernel: [768, 768],
      output_kernel: [768, 768],
      query_bias: [768],
      key_bias: [768],
      value_bias: [768],
      output_bias: [768],
    });
    expect(n.attrs).toEqual({ op: "attention", heads: 12, causal: false, bias: true, dropout: 0, context: false });
  });

  it("attention: causal and dropout are attributes; bias = false drops the four biases", () => {
    const n = lastNode("[8, 16]", "attention(2, causal = true, bias = false, dropout = 0.1)");
    expect(n.attrs).toEqual({ op: "attention", heads: 2, causal: true, bias: false, dropout: 0.1, context: false });
    expect(n.paramCount).toBe(4 * 16 * 16);
  });

  it("attention (cross): keys and values from the context [S, C_ctx]; it is the node's second input", () => {
    const g = graphOf("  input memory: [20, 24]\n  input x: [7, 16]\n  attention(4, context = memory)");
    const n = g.nodes.at(-1)!;
    expect(n.inputs).toEqual([1, 0]);
    expect(n.shape).toEqual([7, 16]);
    expect(tensors(n)).toMatchObject({ query_kernel: [16, 16], key_kernel: [24, 16], value_kernel: [24, 16], output_kernel: [16, 16] });
    expect(n.paramCount).toBe(2 * 16 ** 2 + 2 * 16 * 24 + 4 * 16);
    expect(n.macs).toBe(2 * 7 * 16 ** 2 + 2 * 20 * 16 * 24 + 2 * 7 * 20 * 16);
    expect(n.attrs).toMatchObject({ context: true });
  });

  it("dense on [T, C]: the last axis, T·C·units MACs", () => {
    const n = lastNode("[10, 32]", "dense(8)");
    expect([n.shape, tensors(n), n.paramCount, n.macs]).toEqual([[10, 8], { kernel: [32, 8], bias: [8] }, 264, 10 * 32 * 8]);
  });

  it("dense with tie: no kernel of its own, the embedding named in its attrs", () => {
    const g = graphOf('  input ids: [6] int\n  embedding(50, 8, name = "wte")\n  dense(50, tie = "wte")');
    const n = g.nodes.at(-1)!;
    expect([n.shape, tensors(n), n.macs]).toEqual([[6, 50], { bias: [50] }, 6 * 8 * 50]);
    expect(n.attrs).toEqual({ op: "dense", units: 50, bias: true, tie: "wte" });
  });

  it("take: one position, negative from the end; it passes int ids through", () => {
    const n = lastNode("[197, 768]", "take(-1)");
    expect([n.shape, n.attrs]).toEqual([[768], { op: "take", index: 196 }]);
    const g = graphOf("  input ids: [4, 6] int\n  take(2)\n  embedding(10, 3)");
    expect(g.nodes.map((x) => x.shape)).toEqual([[4, 6], [6], [6, 3]]);
  });

  it("globalavgpool over positions; reshape([-1, C]) makes an image a sequence", () => {
    expect(lastNode("[10, 32]", "globalavgpool").shape).toEqual([32]);
    expect(lastNode("[10, 32]", "globalmaxpool(keepdims = true)").shape).toEqual([1, 32]);
    expect(lastNode("[14, 14, 768]", "reshape([-1, 768])").shape).toEqual([196, 768]);
  });

  it("lstm: 4·(units·(C + units) + units) params, T·4·units·(C + units) MACs, Keras layout", () => {
    const n = lastNode("[200, 128]", "lstm(64)");
    expect([n.shape, n.paramCount, n.macs]).toEqual([[64], 49_408, 200 * 4 * 64 * 192]);
    expect(tensors(n)).toEqual({ kernel: [128, 256], recurrent_kernel: [64, 256], bias: [256] });
    expect(lastNode("[200, 128]", "lstm(64, return_sequences = true)").shape).toEqual([200, 64]);
  });

  it("gru: 3·(units·(C + units) + 2·units) params, bias [2, 3·units]", () => {
    const n = lastNode("[50, 10]", "gru(20, return_sequences = true)");
    expect([n.shape, n.paramCount, n.macs]).toEqual([[50, 20], 3 * (20 * 30 + 40), 50 * 3 * 20 * 30]);
    expect(tensors(n)).toEqual({ kernel: [10, 60], recurrent_kernel: [20, 60], bias: [2, 60] });
    expect(n.attrs).toEqual({ op: "gru", units: 20, returnSequences: true });
  });
});

describe("general ops", () => {
  it("sub, div, maximum and minimum broadcast as add", () => {
    for (const op of ["sub", "div", "maximum", "minimum"]) {
      const g = graphOf(`  input x: [5, 8]\n  input y: [8]\n  from x\n  ${op}(y)`);
      expect([g.nodes.at(-1)!.shape, g.nodes.at(-1)!.attrs, g.nodes.at(-1)!.inputs]).toEqual([[5, 8], { op }, [0, 1]]);
    }
    const g = graphOf("  input x: [4, 8]\n  parallel maximum {\n    { }\n    { neg }\n  }");
    expect(g.nodes.at(-1)!.attrs).toEqual({ op: "maximum" });
  });

  it("transpose permutes the axes", () => {
    const n = lastNode("[10, 32]", "transpose([1, 0])");
    expect([n.shape, n.attrs]).toEqual([[32, 10], { op: "transpose", perm: [1, 0] }]);
    expect(lastNode("[2, 3, 4]", "transpose([2, 0, 1])").shape).toEqual([4, 2, 3]);
  });

  it("the elementwise ops keep the shape and have no params", () => {
    for (const op of ["exp", "log", "sqrt", "abs", "neg", "selu", "hard_sigmoid"]) {
      const n = lastNode("[3, 5]", op);
      expect([n.shape, n.attrs, n.paramCount]).toEqual([[3, 5], { op }, 0]);
    }
    expect(lastNode("[3, 5]", "clip(-1, 2.5)").attrs).toEqual({ op: "clip", min: -1, max: 2.5 });
  });

  it("prelu: a slope per channel", () => {
    const n = lastNode("[8, 8, 6]", "prelu");
    expect([tensors(n), n.paramCount]).toEqual([{ alpha: [6] }, 6]);
  });

  it("groupnorm and instancenorm: 2·C params", () => {
    const g = lastNode("[8, 8, 6]", "groupnorm(3)");
    expect([tensors(g), g.attrs]).toEqual([{ gamma: [6], beta: [6] }, { op: "groupnorm", groups: 3, eps: 1e-5 }]);
    const i = lastNode("[8, 8, 6]", "instancenorm(eps = 1e-3)");
    expect([tensors(i), i.attrs]).toEqual([{ gamma: [6], beta: [6] }, { op: "instancenorm", eps: 1e-3 }]);
  });
});

describe("memory of the sequence ops (docs/memory.md)", () => {
  it("an LSTM's scratch counts at its node; training keeps gates, cells and hidden states", () => {
    const g = graphOf("  input ids: [200] int\n  embedding(20000, 128)\n  lstm(64)");
    expect(g.totals.activationBytesInference).toBe((200 * 128 + 64 + 200 * 4 * 64 + 2 * 64) * 4);
    const outputs = 200 + 200 * 128 + 64;
    expect(g.totals.activationBytesTraining).toBe((outputs + 200 * 5 * 64 + 200 * 64) * 4);
  });

  it("attention holds Q, K, V, heads·T·S weights and the concatenated heads", () => {
    const g = graphOf("  input x: [10, 8]\n  attention(2)");
    const scratch = 10 * 8 + 2 * 10 * 8 + 2 * 10 * 10 + 10 * 8;
    expect(g.totals.activationBytesInference).toBe((80 + 80 + scratch) * 4);
    expect(g.totals.activationBytesTraining).toBe((80 + 80 + scratch) * 4);
  });
});

describe("`none` for the optional references", () => {
  it("dense(tie = none) and attention(context = none) are the plain layers", () => {
    expect(lastNode("[4, 8]", "dense(3, tie = none)").paramCount).toBe(8 * 3 + 3);
    expect(lastNode("[4, 8]", "attention(2, context = none)").attrs).toMatchObject({ context: false });
  });
});
