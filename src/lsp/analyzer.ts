// Runs analyses in a worker thread with a time and memory limit. A program the checker cannot
// finish (a `repeat` of a billion layers, say) costs one worker, not the server: the worker is
// ended and replaced, and the document gets its parse-level analysis.
import { Worker } from "node:worker_threads";
import { analyze, fromParts, parseOnly, type Analysis } from "./analysis.ts";
import type { AnalysisReply, AnalysisRequest } from "./analysis-worker.ts";

export interface AnalyzerLimits {
  /** Longest a parse + check may run before the worker is ended. */
  readonly timeoutMs: number;
  /** Heap of the worker; beyond it the worker dies, not the server. */
  readonly maxHeapMb: number;
}

export const defaultLimits: AnalyzerLimits = { timeoutMs: 5_000, maxHeapMb: 1_024 };

// Workers do not inherit the tsx loader registered by bin/netc.js: register it first, then
// load the worker module.
const bootstrap = `
const { workerData } = require("node:worker_threads");
import(workerData.tsx).then((tsx) => { tsx.register(); return import(workerData.entry); });
`;

interface Job {
  readonly request: AnalysisRequest;
  readonly version: number;
  readonly resolve: (a: Analysis) => void;
}

export class Analyzer {
  private worker: Worker | undefined;
  private ready = false;
  /** Workers that died before they were ready; after two, analyses run in this thread. */
  private failedStarts = 0;
  private readonly queue: Job[] = [];
  private running: { job: Job; timer: NodeJS.Timeout } | undefined;
  private nextId = 1;

  constructor(
    private readonly log: (message: string) => void,
    private readonly limits: AnalyzerLimits = defaultLimits,
  ) {}

  /** Starts the worker ahead of the first document (loading the checker takes a moment). */
  warmUp(): void {
    this.ensureWorker();
  }

  /** Never rejects: a failed or abandoned check gives the parse-level analysis. */
  analyze(text: string, version: number): Promise<Analysis> {
    return new Promise((resolve) => {
      this.queue.push({ request: { id: this.nextId++, text }, version, resolve });
      this.pump();
    });
  }

  dispose(): void {
    void this.worker?.terminate();
    this.worker = undefined;
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(bootstrap, {
      eval: true,
      execArgv: [],
      workerData: {
        tsx: import.meta.resolve("tsx/esm/api"),
        entry: new URL("./analysis-worker.ts", import.meta.url).href,
      },
      resourceLimits: { maxOldGenerationSizeMb: this.limits.maxHeapMb },
    });
    worker.on("message", (reply: AnalysisReply) => {
      if ("ready" in reply) {
        this.ready = true;
        this.pump();
      } else {
        this.finish(reply);
      }
    });
    worker.on("error", (error) => this.abandon(worker, `the analysis worker failed: ${error.message}`));
    worker.on("exit", (code) => this.abandon(worker, `the analysis worker exited with code ${code}`));
    // An idle worker must not keep the process alive after the editor has gone.
    worker.unref();
    this.worker = worker;
    this.ready = false;
    return worker;
  }

  private pump(): void {
    if (this.running || this.queue.length === 0) return;
    if (this.failedStarts >= 2) {
      for (const job of this.queue.splice(0)) job.resolve(analyze(job.request.text, job.version));
      return;
    }
    const worker = this.ensureWorker();
    if (!this.ready) return;
    const job = this.queue.shift()!;
    const timer = setTimeout(() => {
      void worker.terminate();
      this.abandon(worker, `checking took longer than ${this.limits.timeoutMs} ms and was stopped`);
    }, this.limits.timeoutMs);
    this.running = { job, timer };
    worker.postMessage(job.request);
  }

  private finish(reply: Exclude<AnalysisReply, { ready: true }>): void {
    const running = this.running;
    if (!running || running.job.request.id !== reply.id) return;
    clearTimeout(running.timer);
    this.running = undefined;
    const { job } = running;
    if ("parts" in reply) job.resolve(fromParts(job.request.text, job.version, reply.parts));
    else job.resolve(this.fallback(job, `analysis failed: ${reply.error}`));
    this.pump();
  }

  /** The worker is gone (crashed, out of memory, or ended after a timeout). */
  private abandon(worker: Worker, reason: string): void {
    if (this.worker !== worker) return;
    this.worker = undefined;
    if (!this.ready) {
      this.failedStarts++;
      if (this.failedStarts === 2)
        this.log(`netc: the analysis worker cannot start (${reason}); analysing in the server's thread`);
    }
    const running = this.running;
    this.running = undefined;
    if (running) {
      clearTimeout(running.timer);
      running.job.resolve(this.fallback(running.job, reason));
    } else {
      this.log(`netc: ${reason}`);
    }
    this.pump();
  }

  private fallback(job: Job, reason: string): Analysis {
    this.log(`netc: ${reason}; showing syntax diagnostics only for this version`);
    return parseOnly(job.request.text, job.version, reason);
  }
}
