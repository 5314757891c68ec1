// Helper threads that run exports of the kernel module on the caller's shared memory. Each
// helper owns a small control block (a SharedArrayBuffer of i32): the caller writes a call
// into it and bumps a sequence number; the helper runs it and bumps the "done" number. No
// messages per call. After a call the helper polls the block for a while before parking in
// Atomics.wait, so during a forward pass (a call every few hundred µs) handing work over costs
// a few µs instead of a futex wake (~60 µs); the caller polls likewise before waiting.
import { Worker } from "node:worker_threads";
import type { WasmMemory, WasmModule } from "./webassembly-api.ts";

const SEQ = 0;
const DONE = 1;
const OP = 2;
const STATUS = 3;
const ARGC = 4;
const ARGS = 5;
const MAX_ARGS = 32;
const QUIT = -1;
/** Polls of the control block before blocking in Atomics.wait (~0.1–0.2 ms). */
const SPINS = 20_000;

// Plain JavaScript so it runs in a worker without a TypeScript loader.
const HELPER_SOURCE = `
const { workerData, parentPort } = require("node:worker_threads");
const { module, memory, control, names } = workerData;
const exports = new WebAssembly.Instance(module, { env: { memory } }).exports;
const fns = names.map((name) => exports[name]);
const ctl = new Int32Array(control);
parentPort.postMessage("ready");
let seen = 0;
for (;;) {
  // Spin a while before parking: a forward pass hands over work every few hundred µs, and a
  // futex wake costs tens of µs.
  for (let i = 0; i < ${SPINS} && Atomics.load(ctl, ${SEQ}) === seen; i++);
  Atomics.wait(ctl, ${SEQ}, seen);
  seen = Atomics.load(ctl, ${SEQ});
  const op = ctl[${OP}];
  if (op === ${QUIT}) break;
  const args = Array.from(ctl.subarray(${ARGS}, ${ARGS} + ctl[${ARGC}]));
  try {
    fns[op](...args);
    ctl[${STATUS}] = 0;
  } catch {
    ctl[${STATUS}] = 1;
  }
  Atomics.store(ctl, ${DONE}, seen);
  Atomics.notify(ctl, ${DONE});
}
`;

export interface Helper {
  /** Starts export `name` on the helper thread; returns at once. */
  start(name: string, args: readonly number[]): void;
  /** Blocks until the started call finishes; throws if it trapped. */
  finish(): void;
  dispose(): Promise<void>;
}

export async function startHelper(
  module: WasmModule,
  memory: WasmMemory,
  names: readonly string[],
): Promise<Helper> {
  const control = new SharedArrayBuffer((ARGS + MAX_ARGS) * 4);
  const ctl = new Int32Array(control);
  const worker = new Worker(HELPER_SOURCE, { eval: true, workerData: { module, memory, control, names } });
  await new Promise<void>((resolve, reject) => {
    worker.once("message", () => resolve());
    worker.once("error", reject);
  });
  worker.unref();
  let seq = 0;
  let running: string | null = null;
  return {
    start(name, args) {
      const op = names.indexOf(name);
      if (op < 0 || args.length > MAX_ARGS) throw new Error(`wasm helper thread: cannot run '${name}'`);
      ctl[OP] = op;
      ctl[ARGC] = args.length;
      ctl.set(args, ARGS);
      running = name;
      Atomics.store(ctl, SEQ, ++seq);
      Atomics.notify(ctl, SEQ);
    },
    finish() {
      for (let i = 0; i < SPINS && Atomics.load(ctl, DONE) !== seq; i++);
      while (Atomics.load(ctl, DONE) !== seq) Atomics.wait(ctl, DONE, seq - 1);
      if (ctl[STATUS] !== 0) throw new Error(`wasm helper thread: '${running}' trapped (an offset or size is out of the memory's bounds)`);
      running = null;
    },
    async dispose() {
      ctl[OP] = QUIT;
      Atomics.store(ctl, SEQ, ++seq);
      Atomics.notify(ctl, SEQ);
      await worker.terminate();
    },
  };
}
