// A small GPT-style model (token embedding, learned positions, pre-norm causal blocks, an
// output layer tied to the embedding) through the executor: the tied table's gradient is the
// sum of both uses, and the key/value-cached decoder reproduces every row of the full forward.
import { describe, expect, it } from "vitest";
import { createDecoder, decoderRefusal } from "../../src/runtime/exec/decoder.ts";
import { createExecutor } from "../../src/runtime/exec/executor.ts";
import { initializeParams } from "../../src/runtime/init.ts";
import type { Program } from "../../src/runtime/ops.ts";
import { Rng } from "../../src/runtime/rng.ts";
import { kernelFor, runBackward } from "./kernel-harness.ts";
import { randomArray } from "../support/arrays.ts";
import { ProgramBuilder } from "./program-builder.ts";

const T = 6;
const V = 11;
const C = 8;

function gpt(positional: "learned" | "sinusoidal" = "learned"): Program {
  const b = new ProgramBuilder();
  const ids = b.input("ids", [T], "int");
  let x = b.op({ op: "embedding", vocab: V, dim: C }, ids, [T, C], "wte");
  x = b.op({ op: "positional", length: 8, mode: positional }, x, [T, C]);
  for (let block = 0; block < 2; block++) {
    const n1 = b.op({ op: "layernorm", eps: 1e-5 }, x, [T, C]);
    const att = b.op({ op: "attention", heads: 2, causal: true, bias: true, dropout: 0, context: false }, n1, [T, C]);
    x = b.op({ op: "add" }, [x, att], [T, C]);
    const n2 = b.op({ op: "layernorm", eps: 1e-5 }, x, [T, C]);
    const up = b.op({ op: "dense", units: 16, bias: true }, n2, [T, 16]);
    const act = b.op({ op: "gelu" }, up, [T, 16]);
    const down = b.op({ op: "dense", units: C, bias: true }, act, [T, C]);
    x = b.op({ op: "add" }, [x, down], [T, C]);
  }
  const n = b.op({ op: "layernorm", eps: 1e-5 }, x, [T, C]);
  const logits = b.op({ op: "dense", units: V, bias: false, tie: "wte" }, n, [T, V]);
  return b.build([logits]);
}

function randomParams(program: Program, seed: number): Map<string, Float32Array> {
  const params = initializeParams(program, seed);
  // Larger than the initial scale, so every path carries weight.
  const rng = new Rng(seed);
  for (const [key, values] of params) params.set(key, randomArray(rng, values.length, key.endsWith("gamma") ? 1 : 0.5));
  return params;
}

const tokens = Float32Array.from([3, 0, 10, 7, 7, 1, 2, 9, 4, 4, 0, 5]);

describe("tied output layer", () => {
  it("lists the shared table once and accumulates both gradients into it", () => {
    const program = gpt();
    const executor = createExecutor(program, { maxBatch: 2, training: true });
    expect([...executor.params.keys()].filter((k) => k.endsWith("embeddings"))).toEqual([
      "wte.embeddings",
      "positional_0.embeddings",
    ]);
    const params = randomParams(program, 3);
    executor.setParams(params);
    const [logits] = executor.forward([tokens], 2);
    const dy = randomArray(new Rng(5), logits.length);
    executor.zeroGrads();
    executor.backward([dy]);
    const tied = executor.grads.get("wte.embeddings")!;

    // The output layer's own contribution, from its kernel alone: dE = dyᵀ·x over its input.
    const dense = program.nodes[program.outputs[0]];
    const norm = program.nodes[dense.inputs[0]];
    const inference = createExecutor({ ...program, outputs: [norm.id] }, { maxBatch: 2, training: false });
    inference.setParams(params);
    const x = inference.forward([tokens], 2)[0].slice();
    const out = runBackward(
      { attrs: dense.attrs, inShapes: [[T, C]], outShape: [T, V], batch: 2 },
      [x],
      [params.get("wte.embeddings")!.slice()],
      dy,
    );
    const denseGrad = out.paramGrads[0]!;
    // The embedding's contribution is a scatter of rows: tokens never used get only the dense's.
    const used = new Set(tokens);
    let checkedUnused = 0;
    for (let v = 0; v < V; v++) {
      for (let j = 0; j < C; j++) {
        if (!used.has(v)) {
          expect(tied[v * C + j]).toBeCloseTo(denseGrad[v * C + j], 5);
          checkedUnused++;
        }
      }
    }
    expect(checkedUnused).toBeGreaterThan(0);
    // Used rows differ from the dense's share by the embedding's (non-zero) share.
    const row = 3 * C;
    expect(Math.abs(tied[row] - denseGrad[row])).toBeGreaterThan(1e-4);
    expect(kernelFor("dense").params(dense.attrs, [[T, C]])[0]).toMatchObject({ name: "embeddings", owner: "wte" });
  });

  it("refuses a tie to a layer without that table", () => {
    const b = new ProgramBuilder();
    const ids = b.input("ids", [T], "int");
    const x = b.op({ op: "embedding", vocab: V, dim: C }, ids, [T, C], "wte");
    const y = b.op({ op: "dense", units: V + 1, bias: false, tie: "wte" }, x, [T, V + 1]);
    expect(() => createExecutor(b.build([y]), { maxBatch: 1, training: false })).toThrow(
      /dense_0 \(dense\) shares "wte.embeddings" \[12, 8\], but that layer has \[11, 8\]/,
    );
  });
});

describe("key/value-cached decoder", () => {
  for (const mode of ["learned", "sinusoidal"] as const) {
    it(`gives the full forward's rows, position by position (${mode} positions)`, () => {
      const program = gpt(mode);
      const params = randomParams(program, 9);
      const executor = createExecutor(program, { maxBatch: 1, training: false });
      executor.setParams(params);
      const sequence = tokens.subarray(0, T);
      const full = executor.forward([sequence], 1)[0];
      const decoder = createDecoder(program, params);
      expect(decoder.length).toBe(T);
      for (let t = 0; t < T; t++) {
        const row = decoder.step(sequence[t]);
        for (let v = 0; v < V; v++) expect(row[v]).toBeCloseTo(full[t * V + v], 5);
      }
      expect(decoder.position).toBe(T);
      expect(() => decoder.step(1)).toThrow(/takes 6 positions; reset\(\)/);
      decoder.reset();
      const first = decoder.step(sequence[0]);
      for (let v = 0; v < V; v++) expect(first[v]).toBeCloseTo(full[v], 5);
    });
  }

  it("refuses models that mix positions, and token ids outside the vocabulary", () => {
    const b = new ProgramBuilder();
    const ids = b.input("ids", [T], "int");
    const x = b.op({ op: "embedding", vocab: V, dim: C }, ids, [T, C]);
    const att = b.op({ op: "attention", heads: 2, causal: false, bias: true, dropout: 0, context: false }, x, [T, C]);
    expect(decoderRefusal(b.build([att]))).toMatch(/attention_0 \(attention\) must be causal/);
    const pooled = b.op({ op: "globalavgpool", keepdims: false }, x, [C]);
    const logits = b.op({ op: "dense", units: V, bias: true }, pooled, [V]);
    expect(decoderRefusal(b.build([logits]))).toMatch(/one row per position \[6, V\]; "dense_0" is \[11\]/);
    // A whole-sequence summary broadcast back over the positions mixes them too.
    const c = new ProgramBuilder();
    const e = c.op({ op: "embedding", vocab: V, dim: C }, c.input("ids", [T], "int"), [T, C]);
    const summary = c.op({ op: "globalavgpool", keepdims: false }, e, [C]);
    const mixed = c.op({ op: "add" }, [e, summary], [T, C]);
    const rows = c.op({ op: "dense", units: V, bias: true }, mixed, [T, V]);
    expect(decoderRefusal(c.build([rows]))).toMatch(
      /globalavgpool_0 \(globalavgpool\) is \[8\], not one row per position \[6, …\]/,
    );
    const decoder = createDecoder(gpt(), randomParams(gpt(), 1));
    decoder.step(2);
    expect(() => decoder.step(V)).toThrow(
      /token id 11 at sample 0, position 1 is outside the vocabulary of wte \(0…10\)/,
    );
    const executor = createExecutor(gpt(), { maxBatch: 2, training: false });
    executor.setParams(randomParams(gpt(), 1));
    const bad = tokens.slice();
    bad[9] = -1;
    expect(() => executor.forward([bad], 2)).toThrow(
      /token id -1 at sample 1, position 3 is outside the vocabulary of wte/,
    );
  });
});
