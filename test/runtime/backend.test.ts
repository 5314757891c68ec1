// Backends: the GEMM and kernels an executor runs are swappable, bound to the executor's arena.
import { describe, expect, it } from "vitest";
import type { WasmMemory } from "../../src/runtime/wasm/host/webassembly-api.ts";
import type { Backend, BackendArena } from "../../src/runtime/exec/backend.ts";
import { createExecutor } from "../../src/runtime/exec/executor.ts";
import { jsGemm } from "../../src/runtime/gemm.ts";
import type { Gemm } from "../../src/runtime/gemm.ts";
import { initializeParams } from "../../src/runtime/init.ts";
import { planMemory } from "../../src/runtime/exec/plan.ts";
import { referenceKernels } from "../../src/runtime/reference/registry.ts";
import { Rng } from "../../src/runtime/rng.ts";
import { randomArray } from "../support/arrays.ts";
import { ProgramBuilder } from "./program-builder.ts";

/** The WebAssembly.Memory constructor (our ES2022 lib has no WebAssembly types). */
const { Memory } = (globalThis as unknown as { WebAssembly: { Memory: new (d: { initial: number }) => WasmMemory } })
  .WebAssembly;

function convNet() {
  const b = new ProgramBuilder();
  let t = b.input("x", [5, 5, 3]);
  t = b.op(
    {
      op: "conv",
      filters: 4,
      kernel: [3, 3],
      stride: [2, 2],
      pad: [1, 1, 1, 1],
      dilation: [1, 1],
      groups: 1,
      bias: true,
    },
    t,
    [3, 3, 4],
  );
  t = b.op({ op: "relu" }, t, [3, 3, 4]);
  t = b.op({ op: "flatten" }, t, [36]);
  t = b.op({ op: "dense", units: 2, bias: true }, t, [2]);
  return b.build([t]);
}

/** A backend that records its arena and counts GEMM calls, checking operands live in the arena. */
function recordingBackend(sharedMemory: boolean) {
  const seen: { arena?: BackendArena; calls: number; foreign: number } = { calls: 0, foreign: 0 };
  const backend: Backend = {
    workspaceBytes: 1000,
    sharedMemory,
    bind(arena) {
      seen.arena = arena;
      const gemm: Gemm = {
        gemm(...args) {
          seen.calls++;
          const [, , , , , a, , , b, , , c] = args;
          if (arena.memory && [a, b, c].some((x) => x.buffer !== arena.memory!.buffer)) seen.foreign++;
          jsGemm.gemm(...args);
        },
      };
      return gemm;
    },
  };
  return { backend, seen };
}

describe("backends", () => {
  it("bind gets the arena; every GEMM operand lives in it; results equal the reference", () => {
    const program = convNet();
    const params = initializeParams(program, 3);
    const input = randomArray(new Rng(1), 2 * 75);
    const reference = createExecutor(program, { maxBatch: 2, training: true });
    reference.setParams(params);
    const expected = reference.forward([input], 2)[0].slice();

    const { backend, seen } = recordingBackend(false);
    const ex = createExecutor(program, { maxBatch: 2, training: true, backend });
    ex.setParams(params);
    expect(Array.from(ex.forward([input], 2)[0])).toEqual(Array.from(expected));
    ex.backward([new Float32Array([1, -1, 0.5, 2])]);
    expect(seen.calls).toBeGreaterThanOrEqual(2 + 3); // conv + dense forward, their gradients
    expect(seen.arena!.memory).toBe(ex.memory);
    expect(seen.foreign).toBe(0);
    // The workspace is 16-byte aligned and no tensor overlaps it.
    const { workspaceOffset, workspaceBytes } = seen.arena!;
    expect(workspaceOffset % 16).toBe(0);
    for (const view of [...ex.params.values(), ...ex.grads.values()]) {
      const end = view.byteOffset + view.byteLength;
      expect(end <= workspaceOffset || view.byteOffset >= workspaceOffset + workspaceBytes).toBe(true);
    }
  });

  it("can ask for a shared memory (for worker threads)", () => {
    const program = convNet();
    const { backend } = recordingBackend(true);
    const ex = createExecutor(program, { maxBatch: 1, training: false, backend });
    expect(ex.memory).not.toBeNull();
    expect(ex.memory!.buffer).toBeInstanceOf(SharedArrayBuffer);
    ex.setParams(initializeParams(program, 0));
    expect(ex.forward([new Float32Array(75).fill(0.5)], 1)[0].length).toBe(2);
  });

  it("runs on a memory the caller made first (WASM kernels instantiate asynchronously)", () => {
    const program = convNet();
    const { totalBytes } = planMemory(program, { maxBatch: 2, training: false });
    const memory = new Memory({ initial: Math.ceil(totalBytes / 65536) });
    const ex = createExecutor(program, { maxBatch: 2, training: false, memory });
    expect(ex.memory).toBe(memory);
    ex.setParams(initializeParams(program, 1));
    expect(ex.params.get("dense_0.kernel")!.buffer).toBe(memory.buffer);
    expect(ex.forward([new Float32Array(150).fill(1)], 2)[0].length).toBe(4);
    const tooSmall = new Memory({ initial: 0 });
    expect(() => createExecutor(program, { maxBatch: 2, training: false, memory: tooSmall })).toThrow(
      `the given memory has 0 bytes but the executor needs ${totalBytes} (size it with planMemory(program, options).totalBytes)`,
    );
  });

  it("uses a backend's kernels in place of the reference ones", () => {
    const program = convNet();
    let flattenCalls = 0;
    const backend: Backend = {
      workspaceBytes: 0,
      sharedMemory: false,
      kernels: {
        flatten: {
          ...referenceKernels.flatten,
          forward(call) {
            flattenCalls++;
            referenceKernels.flatten.forward(call);
          },
        },
      },
      bind: () => jsGemm,
    };
    const ex = createExecutor(program, { maxBatch: 1, training: false, backend });
    ex.forward([new Float32Array(75)], 1);
    expect(flattenCalls).toBe(1);
  });
});
