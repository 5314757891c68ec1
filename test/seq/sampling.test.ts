// Sampling from character models: the sampler's temperature and top-k, and the decoders fed one
// token at a time against whole-window forwards.
import { describe, expect, it } from "vitest";
import { charModel, type CharModel } from "../../src/backends/sample/char-model.ts";
import { generate } from "../../src/backends/sample/decoder.ts";
import { fullForwardDecoder } from "../../src/backends/sample/full-forward-decoder.ts";
import { sampleToken } from "../../src/backends/sample/sampler.ts";
import { compile } from "../../src/index.ts";
import { createDecoder, createWasmExecutor, initializeParams, type Decoder } from "../../src/runtime/index.ts";
import { cachedDecoder } from "../../src/backends/sample/cached-decoder.ts";
import { Rng } from "../../src/runtime/rng.ts";

describe("sampleToken", () => {
  const logits = Float32Array.of(1, 3, 2, 0.5);
  it("temperature 0 and top-k 1 pick the arg max", () => {
    const rng = new Rng(1);
    expect(sampleToken(logits, { temperature: 0 }, rng)).toBe(1);
    for (let i = 0; i < 20; i++) expect(sampleToken(logits, { temperature: 5, topK: 1 }, rng)).toBe(1);
  });
  it("draws with the probabilities of softmax(logits / t), only among the top k", () => {
    const rng = new Rng(2);
    const draws = 40000;
    for (const [t, k] of [
      [1, undefined],
      [0.5, undefined],
      [2, 2],
    ] as const) {
      const counts = [0, 0, 0, 0];
      for (let i = 0; i < draws; i++) counts[sampleToken(logits, { temperature: t, topK: k }, rng)]++;
      const kept = k === undefined ? [0, 1, 2, 3] : [1, 2];
      const weights = [0, 1, 2, 3].map((c) => (kept.includes(c) ? Math.exp(logits[c] / t) : 0));
      const total = weights.reduce((a, b) => a + b);
      // 4 standard errors of a binomial proportion at 40,000 draws is under 0.01.
      counts.forEach((n, c) => expect(Math.abs(n / draws - weights[c] / total)).toBeLessThan(0.01));
    }
  });
  it("the same seed draws the same tokens", () => {
    const run = (seed: number) => Array.from({ length: 50 }, ((rng) => () => sampleToken(logits, { temperature: 1 }, rng))(new Rng(seed)));
    expect(run(9)).toEqual(run(9));
    expect(run(9)).not.toEqual(run(10));
  });
});

const gpt = `model G {
  input ids: [6] int
  embedding(5, 8)
  positional(6)
  parallel add {
    { layernorm  attention(2, causal = true) }
    { }
  }
  layernorm
  dense(5)
}`;
const nextChar = `model N {
  input ids: [4] int
  embedding(5, 6)
  flatten
  dense(5)
  softmax
}`;

async function withModel<T>(source: string, fn: (model: CharModel, forward: (ids: number[]) => Float32Array, decoder: ReturnType<typeof fullForwardDecoder>) => T) {
  const { graph } = compile(source);
  const model = charModel(graph);
  if ("notCharModel" in model) throw new Error(model.notCharModel);
  const { executor, dispose } = await createWasmExecutor(graph, { maxBatch: 1, training: false });
  const other = await createWasmExecutor(graph, { maxBatch: 1, training: false });
  try {
    const params = initializeParams(graph, 4);
    executor.setParams(params);
    other.executor.setParams(params);
    const forward = (ids: number[]) => other.executor.forward([Float32Array.from(ids)], 1)[0].slice();
    return fn(model, forward, fullForwardDecoder(executor, model, 0));
  } finally {
    await dispose();
    await other.dispose();
  }
}

describe("the full-forward decoder", () => {
  it("a causal [T, V] model: token i's scores are row i of the whole window's forward, then the window slides", async () => {
    await withModel(gpt, (model, forward, decoder) => {
      expect(model).toEqual({ context: 6, vocabulary: 5, targets: "sequence" });
      const ids = [1, 4, 0, 2, 3, 3, 1, 2];
      const whole = forward(ids.slice(0, 6));
      ids.slice(0, 6).forEach((id, i) => {
        const got = decoder.push(id);
        Array.from(got).forEach((v, c) => expect(v).toBeCloseTo(whole[i * 5 + c], 5));
      });
      // Past 6 tokens the window holds the last 6.
      decoder.push(ids[6]);
      const slid = decoder.push(ids[7]);
      const last = forward(ids.slice(2, 8));
      Array.from(slid).forEach((v, c) => expect(v).toBeCloseTo(last[5 * 5 + c], 5));
    });
  });
  it("a [V] model with a final softmax: a left-padded window, log-probabilities as logits", async () => {
    await withModel(nextChar, (model, forward, decoder) => {
      expect(model).toEqual({ context: 4, vocabulary: 5, targets: "next", finalOp: "softmax" });
      decoder.push(3);
      const got = decoder.push(1);
      const p = forward([0, 0, 3, 1]);
      Array.from(got).forEach((v, c) => expect(v).toBeCloseTo(Math.log(p[c]), 5));
    });
  });
  it("generate feeds the prompt, then draws reproducibly", async () => {
    await withModel(gpt, (_model, _forward, decoder) => {
      const a = generate(decoder, [1, 2], 10, { temperature: 1 }, new Rng(5));
      expect(a.length).toBe(10);
      expect(Array.from(a).every((t) => t >= 0 && t < 5)).toBe(true);
    });
    const again = await withModel(gpt, (_m, _f, decoder) => Array.from(generate(decoder, [1, 2], 10, { temperature: 1 }, new Rng(5))));
    const first = await withModel(gpt, (_m, _f, decoder) => Array.from(generate(decoder, [1, 2], 10, { temperature: 1 }, new Rng(5))));
    expect(again).toEqual(first);
  });
});

describe("the key/value-cached decoder", () => {
  it("gives the whole window's rows, restarts from the last T/2 tokens when full, and costs O(1) positions per token", async () => {
    const { graph } = compile(gpt);
    const model = charModel(graph) as CharModel;
    const params = initializeParams(graph, 4);
    let steps = 0;
    const inner = createDecoder(graph, params);
    const counting: Decoder = {
      get length() {
        return inner.length;
      },
      get position() {
        return inner.position;
      },
      step: (t) => (steps++, inner.step(t)),
      reset: () => inner.reset(),
    };
    const decoder = cachedDecoder(counting, model);
    const { executor, dispose } = await createWasmExecutor(graph, { maxBatch: 1, training: false });
    try {
      executor.setParams(params);
      const forward = (ids: number[]) => executor.forward([Float32Array.from([...ids, ...Array(6 - ids.length).fill(0)])], 1)[0].slice();
      const ids = [1, 4, 0, 2, 3, 3, 1];
      const whole = forward(ids.slice(0, 6));
      ids.slice(0, 6).forEach((id, i) => {
        const got = decoder.push(id);
        Array.from(got).forEach((v, c) => expect(v).toBeCloseTo(whole[i * 5 + c], 5));
      });
      // The 7th token: the context restarts from the last 3 tokens (3, 3, 1).
      const got = decoder.push(ids[6]);
      const restarted = forward(ids.slice(4, 7));
      Array.from(got).forEach((v, c) => expect(v).toBeCloseTo(restarted[2 * 5 + c], 5));
      steps = 0;
      generate(decoder, [2], 600, { temperature: 1 }, new Rng(1));
      // One position per token plus the re-fed T/2 − 1 = 2 every T/2 = 3 tokens: under 2 per token.
      expect(steps).toBeLessThan(2 * 600);
    } finally {
      await dispose();
    }
  });
});

describe("charModel", () => {
  it("says why a model is not a character model", () => {
    const { graph } = compile("model M { input x: [4] \n dense(3) }");
    expect(charModel(graph)).toEqual({ notCharModel: "its input 'x' is [4], not token ids [T] int" });
    const { graph: g2 } = compile("model M { input ids: [4] int \n embedding(5, 3) \n dense(2) \n dense(5) }");
    expect(charModel(g2)).toMatchObject({ targets: "sequence", vocabulary: 5 });
  });
});
