// The sequence ops on the WebAssembly backend (attention's products on the SIMD GEMM and its
// softmax on the row kernels, layernorm/rmsnorm/softmax/GELU on SIMD kernels, the rest on the
// reference kernels over the same arena): every PyTorch fixture of torch-sequence.json through
// a one-node WASM training executor (and the attention ones through inference executors), and a
// GPT-style model's training step against the JavaScript executor.
import { describe, expect, it } from "vitest";
import { createExecutor } from "../../src/runtime/exec/executor.ts";
import { initializeParams } from "../../src/runtime/init.ts";
import type { Program } from "../../src/runtime/ops.ts";
import { Rng } from "../../src/runtime/rng.ts";
import { createWasmExecutor } from "../../src/runtime/wasm/host/backend.ts";
import { kernelFor } from "./kernel-harness.ts";
import { randomArray } from "../support/arrays.ts";
import { ProgramBuilder } from "./program-builder.ts";
import { wasmRunner } from "./wasm-runner.ts";
import { relativeError } from "../support/close.ts";
import { sequenceFixture } from "./torch-sequence-fixture.ts";

describe("sequence ops on the WASM backend match PyTorch", () => {
  for (const c of sequenceFixture.cases) {
    it(c.name, async () => {
      const runner = await wasmRunner({ attrs: c.attrs, inShapes: c.inShapes, outShape: c.outShape, batch: c.batch }, c.intInputs);
      try {
        expect(runner.accelerated).toBe(true);
        const params = c.params.map((p) => Float32Array.from(p));
        const { output, inGrads, paramGrads } = runner.backward(
          c.inputs.map((x) => Float32Array.from(x)),
          params,
          Float32Array.from(c.outGrad),
          params.map(() => true),
        );
        expect(relativeError(output, c.output)).toBeLessThan(1e-5);
        c.inGrads.forEach((g, k) => {
          if (!c.intInputs.includes(k)) expect(relativeError(inGrads[k], g)).toBeLessThan(1e-4);
        });
        c.paramGrads.forEach((g, k) => expect(relativeError(paramGrads[k]!, g)).toBeLessThan(1e-4));
      } finally {
        await runner.dispose();
      }
    });
  }
});

// Inference executors run all of a sample's heads in one kernel call (gemm.attentionHeads,
// src/runtime/wasm/gen/attention-kernel.ts), on two threads split by heads.
describe("attention in WASM inference executors matches PyTorch", () => {
  for (const c of sequenceFixture.cases.filter((fixture) => fixture.attrs.op === "attention")) {
    for (const threads of [1, 2] as const) {
      it(`${c.name}, ${threads} thread${threads > 1 ? "s" : ""}`, async () => {
        const b = new ProgramBuilder();
        const inputs = c.inShapes.map((shape, k) => b.input(`x${k}`, shape));
        const node = b.op(c.attrs, inputs, c.outShape);
        const program = b.build([node]);
        const { executor, accelerated, dispose } = await createWasmExecutor(program, {
          maxBatch: c.batch,
          training: false,
          wasm: { threads, parallelMinMacs: 0 },
        });
        try {
          expect(accelerated).toBe(true);
          const name = program.nodes[node].name;
          const specs = kernelFor(c.attrs.op).params(c.attrs, c.inShapes);
          executor.setParams(new Map(specs.map((spec, k) => [`${name}.${spec.name}`, Float32Array.from(c.params[k])])));
          const [output] = executor.forward(
            c.inputs.map((x) => Float32Array.from(x)),
            c.batch,
          );
          expect(relativeError(output, c.output)).toBeLessThan(1e-5);
        } finally {
          await dispose();
        }
      });
    }
  }
});

function gpt(t: number, vocab: number, c: number): Program {
  const b = new ProgramBuilder();
  const ids = b.input("ids", [t], "int");
  let x = b.op({ op: "embedding", vocab, dim: c }, ids, [t, c], "wte");
  x = b.op({ op: "positional", length: t, mode: "learned" }, x, [t, c]);
  for (let block = 0; block < 2; block++) {
    const n1 = b.op({ op: "layernorm", eps: 1e-5 }, x, [t, c]);
    const att = b.op({ op: "attention", heads: 4, causal: true, bias: true, dropout: 0, context: false }, n1, [t, c]);
    x = b.op({ op: "add" }, [x, att], [t, c]);
    const n2 = b.op({ op: "rmsnorm", eps: 1e-6 }, x, [t, c]);
    const up = b.op({ op: "dense", units: 4 * c, bias: true }, n2, [t, 4 * c]);
    const act = b.op({ op: "gelu" }, up, [t, 4 * c]);
    const down = b.op({ op: "dense", units: c, bias: true }, act, [t, c]);
    x = b.op({ op: "add" }, [x, down], [t, c]);
  }
  const n = b.op({ op: "layernorm", eps: 1e-5 }, x, [t, c]);
  const logits = b.op({ op: "dense", units: vocab, bias: true, tie: "wte" }, n, [t, vocab]);
  const probs = b.op({ op: "softmax", axis: 1 }, logits, [t, vocab]);
  return b.build([probs]);
}

describe("a GPT-style training step on the WASM backend", () => {
  it("gives the JavaScript executor's outputs and gradients", async () => {
    const [t, vocab, c, batch] = [13, 27, 32, 3];
    const program = gpt(t, vocab, c);
    const params = initializeParams(program, 4);
    const rng = new Rng(2);
    const ids = Float32Array.from({ length: batch * t }, () => Math.floor(rng.uniform() * vocab));
    const dy = randomArray(rng, batch * t * vocab);
    const js = createExecutor(program, { maxBatch: batch, training: true });
    const {
      executor: wasm,
      accelerated,
      dispose,
    } = await createWasmExecutor(program, { maxBatch: batch, training: true });
    expect(accelerated).toBe(true);
    const results = [js, wasm].map((executor) => {
      executor.setParams(params);
      const out = executor.forward([ids], batch)[0].slice();
      executor.zeroGrads();
      executor.backward([dy]);
      return { out, grads: new Map([...executor.grads].map(([k, g]) => [k, g.slice()])) };
    });
    expect(relativeError(results[1].out, [...results[0].out])).toBeLessThan(1e-5);
    for (const [key, grad] of results[0].grads) {
      expect(relativeError(results[1].grads.get(key)!, [...grad]), key).toBeLessThan(1e-4);
    }
    // Eval mode (inference paths: no kept statistics) gives the same probabilities.
    wasm.training = false;
    expect(relativeError(wasm.forward([ids], batch)[0], [...results[0].out])).toBeLessThan(1e-5);
    await dispose();
  });
});
