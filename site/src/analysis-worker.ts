// The page's analysis worker: the language server's own analysis (src/lsp/) on the editor's
// text, off the main thread so typing never waits for the checker. Edits that arrive while an
// analysis runs are coalesced: only the newest text is analysed.
import { CompletionItemKind, InsertTextFormat, type CompletionItem, type MarkupContent } from "vscode-languageserver-types";
import { summaryJson } from "../../src/cli/summary.ts";
import { LineMap } from "../../src/diagnostics/render.ts";
import { analyze, type Analysis } from "../../src/lsp/analysis.ts";
import { completions } from "../../src/lsp/completion.ts";
import { hover } from "../../src/lsp/hover.ts";
import { inlayHints } from "../../src/lsp/inlay-hints.ts";
import { renderGraphSvg } from "../../src/viz/graph-svg.ts";
import { buildModelView } from "../../src/viz/model-view.ts";
import type { AnalysisReply, AnalysisRequest, ModelInfo, PageCompletion, PageDiagnostic } from "./protocol.ts";

const post = (reply: AnalysisReply) => postMessage(reply);

let current: Analysis | undefined;
let pending: { version: number; text: string } | undefined;
/** Requests waiting for the pending text's analysis. */
const queue: AnalysisRequest[] = [];
let scheduled = false;

onmessage = (event: MessageEvent<AnalysisRequest>) => {
  const request = event.data;
  if (request.kind === "analyze") pending = { version: request.version, text: request.text };
  else queue.push(request);
  if (!scheduled) {
    scheduled = true;
    // A zero timeout lets the messages already posted arrive first, so only the newest text is analysed.
    setTimeout(run, 0);
  }
};

function run(): void {
  scheduled = false;
  if (pending) {
    const { version, text } = pending;
    pending = undefined;
    analyse(version, text);
  }
  for (const request of queue.splice(0)) answer(request);
}

function analyse(version: number, text: string): void {
  const started = performance.now();
  const a = analyze(text, version);
  current = a;
  post({ kind: "diagnostics", version, diagnostics: a.diagnostics.map(pageDiagnostic), ms: performance.now() - started });
  const whole = { start: { line: 0, character: 0 }, end: a.lines.positionAt(text.length) };
  const hints = a.failure ? [] : inlayHints(a, whole).map((h) => ({ at: a.lines.offsetAt(h.position), label: String(h.label) }));
  const lines = new LineMap(text);
  const models: ModelInfo[] = [...(a.checked?.graphs.values() ?? [])].map((graph) => ({
    summary: summaryJson(graph, lines),
    ...(graph.train ? { train: { batch: graph.train.batch, epochs: graph.train.epochs } } : {}),
  }));
  post({ kind: "analysis", version, hints, models, ...(a.failure ? { failure: a.failure.split("\n")[0]! } : {}) });
}

function pageDiagnostic(d: Analysis["diagnostics"][number]): PageDiagnostic {
  return {
    from: d.span.start,
    to: d.span.end,
    severity: d.severity,
    code: d.code,
    message: d.message,
    fixes: (d.fixes ?? []).map((f) => ({
      title: f.title,
      edits: f.edits.map((e) => ({ from: e.span.start, to: e.span.end, insert: e.newText })),
    })),
  };
}

function answer(request: AnalysisRequest): void {
  const a = current;
  if (request.kind === "hover") {
    const found = a && a.version === request.version ? hover(a, request.offset) : null;
    const contents = found?.contents as MarkupContent | string | undefined;
    post({
      kind: "hover",
      id: request.id,
      markdown: contents === undefined ? null : typeof contents === "string" ? contents : contents.value,
      ...(found?.range ? { from: a!.lines.offsetAt(found.range.start), to: a!.lines.offsetAt(found.range.end) } : {}),
    });
  } else if (request.kind === "complete") {
    const items = a && a.version === request.version ? completions(a, request.offset, { snippets: true }) : [];
    post({ kind: "complete", id: request.id, items: items.map(pageCompletion) });
  } else if (request.kind === "graph") {
    const graph = a?.version === request.version ? a.checked?.graphs.get(request.model) : undefined;
    if (graph) post({ kind: "graph", version: request.version, model: request.model, svg: renderGraphSvg(buildModelView(graph, { source: a!.text })) });
  }
}

const KIND_TYPES: Partial<Record<number, string>> = {
  [CompletionItemKind.Keyword]: "keyword",
  [CompletionItemKind.Function]: "function",
  [CompletionItemKind.Method]: "method",
  [CompletionItemKind.Variable]: "variable",
  [CompletionItemKind.Property]: "property",
  [CompletionItemKind.Field]: "property",
  [CompletionItemKind.Class]: "class",
  [CompletionItemKind.Module]: "namespace",
  [CompletionItemKind.Constant]: "constant",
  [CompletionItemKind.EnumMember]: "enum",
  [CompletionItemKind.Value]: "constant",
  [CompletionItemKind.Snippet]: "keyword",
};

function pageCompletion(item: CompletionItem): PageCompletion {
  const doc = item.documentation;
  const info = doc === undefined ? undefined : typeof doc === "string" ? doc : doc.value;
  const text = item.textEdit && "newText" in item.textEdit ? item.textEdit.newText : (item.insertText ?? item.label);
  const snippet = item.insertTextFormat === InsertTextFormat.Snippet;
  return {
    label: item.label,
    ...(item.kind !== undefined && KIND_TYPES[item.kind] ? { type: KIND_TYPES[item.kind]! } : {}),
    ...(item.detail ? { detail: item.detail } : {}),
    ...(info ? { info } : {}),
    apply: text,
    // CodeMirror's snippets take LSP's `${1:name}` fields as they are.
    snippet,
  };
}

post({ kind: "ready" });
