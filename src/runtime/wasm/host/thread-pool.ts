// Helper threads that run exports of the kernel module on the caller's shared memory. Each
// helper owns a small control block (a SharedArrayBuffer of i32): the caller writes a call
// into it and bumps a sequence number; the helper runs it and bumps the "done" number. No
// messages per call. After a call the helper polls the block for a while before parking in
// Atomics.wait, so during a forward pass (a call every few hundred µs) handing work over costs
// a few µs instead of a futex wake (~60 µs); the caller polls likewise before waiting.
// In Node the helper is a worker_threads Worker; in a browser (a cross-origin isolated page's
// worker, where Atomics.wait is allowed) a Web Worker made from a Blob of the same loop.
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

// Plain JavaScript so it runs in a worker without a TypeScript loader. Expects module, memory,
// control, names and ready() in scope.
const HELPER_LOOP = `
const exports = new WebAssembly.Instance(module, { env: { memory } }).exports;
const fns = names.map((name) => exports[name]);
const ctl = new Int32Array(control);
ready();
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

const NODE_SOURCE = `
const { workerData, parentPort } = require("node:worker_threads");
const { module, memory, control, names } = workerData;
const ready = () => parentPort.postMessage("ready");
${HELPER_LOOP}`;

const BROWSER_SOURCE = `
onmessage = (event) => {
  const { module, memory, control, names } = event.data;
  const ready = () => postMessage("ready");
  ${HELPER_LOOP}
};`;

interface HelperData {
  readonly module: WasmModule;
  readonly memory: WasmMemory;
  readonly control: SharedArrayBuffer;
  readonly names: readonly string[];
}

/** A started helper thread, once its loop runs. */
interface Thread {
  terminate(): Promise<unknown>;
}

const inNode = typeof process !== "undefined" && process.versions?.node !== undefined;

async function startNodeThread(data: HelperData): Promise<Thread> {
  const worker = new Worker(NODE_SOURCE, { eval: true, workerData: data });
  await new Promise<void>((resolve, reject) => {
    worker.once("message", () => resolve());
    worker.once("error", reject);
  });
  worker.unref();
  return worker;
}

/** The Web Worker API, typed here since the runtime's types hold no DOM. */
interface WebWorker {
  onmessage: (() => void) | null;
  onerror: ((event: { message?: string }) => void) | null;
  postMessage(data: unknown): void;
  terminate(): void;
}
interface WebGlobals {
  Worker: new (url: string) => WebWorker;
  Blob: new (parts: string[], options: { type: string }) => object;
  URL: { createObjectURL(blob: object): string; revokeObjectURL(url: string): void };
}

async function startWebThread(data: HelperData): Promise<Thread> {
  const web = globalThis as unknown as WebGlobals;
  const url = web.URL.createObjectURL(new web.Blob([BROWSER_SOURCE], { type: "text/javascript" }));
  const worker = new web.Worker(url);
  try {
    await new Promise<void>((resolve, reject) => {
      worker.onmessage = () => resolve();
      worker.onerror = (event) => reject(new Error(`wasm helper thread failed to start: ${event.message ?? "unknown error"}`));
      worker.postMessage(data);
    });
  } finally {
    web.URL.revokeObjectURL(url);
  }
  return { terminate: async () => worker.terminate() };
}

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
  const data = { module, memory, control, names };
  const worker = inNode ? await startNodeThread(data) : await startWebThread(data);
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
