// Runs analyses in a worker thread with a time and memory limit. A program the checker cannot
// finish (a `repeat` of a billion layers, say) costs one worker, not the server: the worker is
// ended and replaced, and the document gets its parse-level analysis.
import { Worker } from "node:worker_threads";
import { analyze, describe, fromParts, parseOnly, type Analysis } from "./analysis.ts";
import type { Diagnostic } from "../diagnostics/diagnostic.ts";
import type { AnalysisReply, AnalysisRequest } from "./analysis-worker.ts";
import {
  adoptEarlyWorker,
  analysisWorkerCode,
  DEFAULT_MAX_HEAP_MB,
  workerOptions,
  type WorkerCode,
} from "./worker-bundle.ts";

export interface AnalyzerLimits {
  /** Longest a parse + check may run before the worker is ended. */
  readonly timeoutMs: number;
  /** Heap of the worker; beyond it the worker dies, not the server. */
  readonly maxHeapMb: number;
}

export const defaultLimits: AnalyzerLimits = { timeoutMs: 5_000, maxHeapMb: DEFAULT_MAX_HEAP_MB };

/** One version's analysis, in two steps. */
export interface PendingAnalysis {
  /** Settles as soon as the worker has the diagnostics, before the whole analysis (the AST
   * and the check results, ~840 KB for 1,000 lines) is copied over from it. */
  readonly diagnostics: Promise<readonly Diagnostic[]>;
  /** Never rejects: a failed or abandoned check gives the parse-level analysis. */
  readonly analysis: Promise<Analysis>;
}

interface Job {
  readonly request: AnalysisRequest;
  readonly version: number;
  readonly resolveDiagnostics: (diagnostics: readonly Diagnostic[]) => void;
  /** Settles the diagnostics too, when they did not come first. */
  readonly resolve: (a: Analysis) => void;
}

export class Analyzer {
  private worker: Worker | undefined;
  private ready = false;
  /** The worker's code, once found or bundled (see worker-bundle.ts). */
  private source: WorkerCode | undefined;
  private bundling = false;
  /** Workers that died before they were ready; after two, analyses run in this thread. */
  private failedStarts = 0;
  private readonly queue: Job[] = [];
  private running: { job: Job; timer: NodeJS.Timeout } | undefined;
  private nextId = 1;

  constructor(
    private readonly log: (message: string) => void,
    private readonly limits: AnalyzerLimits = defaultLimits,
  ) {}

  /** Starts the worker ahead of the first document (bundling and loading the checker take a
   * moment). */
  warmUp(): void {
    this.ensureWorker();
  }

  analyze(text: string, version: number): PendingAnalysis {
    let resolveDiagnostics!: Job["resolveDiagnostics"];
    let resolveAnalysis!: Job["resolve"];
    const diagnostics = new Promise<readonly Diagnostic[]>((resolve) => (resolveDiagnostics = resolve));
    const analysis = new Promise<Analysis>((resolve) => (resolveAnalysis = resolve));
    this.queue.push({
      request: { id: this.nextId++, text },
      version,
      resolveDiagnostics,
      resolve: (a) => {
        resolveDiagnostics(a.diagnostics);
        resolveAnalysis(a);
      },
    });
    this.pump();
    return { diagnostics, analysis };
  }

  dispose(): void {
    void this.worker?.terminate();
    this.worker = undefined;
  }

  /** The running worker; undefined while its code is being bundled. */
  private ensureWorker(): Worker | undefined {
    if (this.worker) return this.worker;
    const early = adoptEarlyWorker(this.limits.maxHeapMb);
    if (!early && this.source === undefined) {
      this.bundle();
      return undefined;
    }
    const worker = early?.worker ?? new Worker(this.source!, workerOptions(this.source!, this.limits.maxHeapMb));
    worker.on("message", (reply: AnalysisReply) => {
      if ("ready" in reply) {
        this.ready = true;
        this.pump();
      } else if ("diagnostics" in reply) {
        if (this.running?.job.request.id === reply.id) this.running.job.resolveDiagnostics(reply.diagnostics);
      } else {
        this.finish(reply);
      }
    });
    worker.on("error", (error) => this.abandon(worker, `the analysis worker failed: ${error.message}`));
    worker.on("exit", (code) => this.abandon(worker, `the analysis worker exited with code ${code}`));
    // An idle worker must not keep the process alive after the editor has gone.
    worker.unref();
    this.worker = worker;
    this.ready = early?.ready ?? false;
    return worker;
  }

  private bundle(): void {
    if (this.bundling) return;
    this.bundling = true;
    analysisWorkerCode().then(
      (source) => {
        this.source = source;
        this.pump();
      },
      (error: unknown) => {
        // Without a worker every analysis runs in the server's thread (see pump).
        this.failedStarts = 2;
        this.log(`netc: cannot bundle the analysis worker (${describe(error)}); analysing in the server's thread`);
        this.pump();
      },
    );
  }

  private pump(): void {
    if (this.running || this.queue.length === 0) return;
    if (this.failedStarts >= 2) {
      for (const job of this.queue.splice(0)) job.resolve(analyze(job.request.text, job.version));
      return;
    }
    const worker = this.ensureWorker();
    if (!worker || !this.ready) return;
    const job = this.queue.shift()!;
    const timer = setTimeout(() => {
      void worker.terminate();
      this.abandon(worker, `checking took longer than ${this.limits.timeoutMs} ms and was stopped`);
    }, this.limits.timeoutMs);
    this.running = { job, timer };
    worker.postMessage(job.request);
  }

  private finish(reply: Extract<AnalysisReply, { parts: unknown } | { error: string }>): void {
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
