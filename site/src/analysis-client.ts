// The page's side of the analysis worker: analyses go out per version; hover and completion
// are requests answered by id. A text the checker cannot finish in time costs the worker, not
// the page: as the language server does, the worker is ended and a fresh one started.
import type { AnalysisReply, AnalysisRequest, ModelInfo, PageCompletion, PageDiagnostic } from "./protocol.ts";

type Hover = Extract<AnalysisReply, { kind: "hover" }>;

export class AnalysisClient {
  onDiagnostics: (version: number, diagnostics: readonly PageDiagnostic[], ms: number) => void = () => {};
  onHints: (version: number, hints: readonly { at: number; label: string }[]) => void = () => {};
  onAnalysis: (version: number, models: readonly ModelInfo[], failure: string | undefined) => void = () => {};
  onGraph: (version: number, model: string, svg: string) => void = () => {};
  /** The worker was ended after checking took longer than the limit. */
  onTimeout: (version: number, limitMs: number) => void = () => {};
  /** Extra listeners of the diagnostics (the page's status line). */
  readonly diagnosticListeners: ((version: number, diagnostics: readonly PageDiagnostic[], ms: number) => void)[] = [];

  private nextId = 1;
  private readonly waiting = new Map<number, (reply: AnalysisReply) => void>();
  private worker: Worker;
  private ready = false;
  /** The analysis asked for and not answered yet, with its watchdog (started once the worker is ready). */
  private pending: { version: number; timer: number | undefined } | undefined;

  constructor(
    private readonly startWorker: () => Worker,
    private readonly limitMs = 5_000,
  ) {
    this.worker = this.start();
  }

  private start(): Worker {
    this.ready = false;
    const worker = this.startWorker();
    worker.onmessage = (event: MessageEvent<AnalysisReply>) => this.receive(event.data);
    return worker;
  }

  analyze(version: number, text: string): void {
    if (this.pending) clearTimeout(this.pending.timer);
    this.pending = { version, timer: this.ready ? this.watch(version) : undefined };
    this.send({ kind: "analyze", version, text });
  }

  private watch(version: number): number {
    return window.setTimeout(() => this.timedOut(version), this.limitMs);
  }

  private timedOut(version: number): void {
    this.worker.terminate();
    this.pending = undefined;
    for (const resolve of this.waiting.values()) resolve({ kind: "complete", id: -1, items: [] });
    this.waiting.clear();
    this.worker = this.start();
    this.onTimeout(version, this.limitMs);
  }

  graph(version: number, model: string): void {
    this.send({ kind: "graph", version, model });
  }

  hover(version: number, offset: number): Promise<Hover> {
    const id = this.nextId++;
    this.send({ kind: "hover", id, version, offset });
    // A worker ended meanwhile answers nothing: no hover.
    return new Promise((resolve) => this.waiting.set(id, (r) => resolve(r.kind === "hover" ? r : { kind: "hover", id, markdown: null })));
  }

  complete(version: number, offset: number): Promise<readonly PageCompletion[]> {
    const id = this.nextId++;
    this.send({ kind: "complete", id, version, offset });
    return new Promise((resolve) => this.waiting.set(id, (r) => resolve(r.kind === "complete" ? r.items : [])));
  }

  private send(request: AnalysisRequest): void {
    this.worker.postMessage(request);
  }

  private receive(reply: AnalysisReply): void {
    switch (reply.kind) {
      case "ready":
        this.ready = true;
        if (this.pending && this.pending.timer === undefined) this.pending.timer = this.watch(this.pending.version);
        break;
      case "diagnostics":
        if (this.pending && this.pending.version <= reply.version) {
          clearTimeout(this.pending.timer);
          this.pending = undefined;
        }
        this.onDiagnostics(reply.version, reply.diagnostics, reply.ms);
        for (const listener of this.diagnosticListeners) listener(reply.version, reply.diagnostics, reply.ms);
        break;
      case "analysis":
        this.onHints(reply.version, reply.hints);
        this.onAnalysis(reply.version, reply.models, reply.failure);
        break;
      case "graph":
        this.onGraph(reply.version, reply.model, reply.svg);
        break;
      case "hover":
      case "complete": {
        const resolve = this.waiting.get(reply.id);
        this.waiting.delete(reply.id);
        resolve?.(reply);
        break;
      }
    }
  }
}
