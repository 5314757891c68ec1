// The page's side of the analysis worker: analyses go out per version; hover and completion
// are requests answered by id.
import type { AnalysisReply, AnalysisRequest, ModelInfo, PageCompletion, PageDiagnostic } from "./protocol.ts";

type Hover = Extract<AnalysisReply, { kind: "hover" }>;

export class AnalysisClient {
  onDiagnostics: (version: number, diagnostics: readonly PageDiagnostic[], ms: number) => void = () => {};
  onHints: (version: number, hints: readonly { at: number; label: string }[]) => void = () => {};
  onAnalysis: (version: number, models: readonly ModelInfo[], failure: string | undefined) => void = () => {};
  onGraph: (version: number, model: string, svg: string) => void = () => {};
  /** Extra listeners of the diagnostics (the page's status line). */
  readonly diagnosticListeners: ((version: number, diagnostics: readonly PageDiagnostic[], ms: number) => void)[] = [];

  private nextId = 1;
  private readonly waiting = new Map<number, (reply: AnalysisReply) => void>();

  constructor(private readonly worker: Worker) {
    worker.onmessage = (event: MessageEvent<AnalysisReply>) => this.receive(event.data);
  }

  analyze(version: number, text: string): void {
    this.send({ kind: "analyze", version, text });
  }

  graph(version: number, model: string): void {
    this.send({ kind: "graph", version, model });
  }

  hover(version: number, offset: number): Promise<Hover> {
    const id = this.nextId++;
    this.send({ kind: "hover", id, version, offset });
    return new Promise((resolve) => this.waiting.set(id, (r) => resolve(r as Hover)));
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
      case "diagnostics":
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
