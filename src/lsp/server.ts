// The netc language server: wires the editor protocol to the analysis features. Documents are
// analysed in a worker (analyzer.ts) at most once per version, at once after an edit, edits
// made while an analysis runs coalesced (diagnostics-scheduler.ts). Every handler runs inside
// `guard`, so an exception in a feature is logged and answered with an empty result instead
// of taking the server down.
import {
  CodeActionKind,
  ErrorCodes,
  ResponseError,
  TextDocumentSyncKind,
  TextDocuments,
  type Connection,
  type InitializeResult,
} from "vscode-languageserver";
import { TextDocument } from "vscode-languageserver-textdocument";
import { describe, type Analysis } from "./analysis.ts";
import { Analyzer, defaultLimits, type AnalyzerLimits, type PendingAnalysis } from "./analyzer.ts";
import { codeActions } from "./code-actions.ts";
import { DiagnosticsScheduler } from "./diagnostics-scheduler.ts";
import { completions } from "./completion.ts";
import { toLspDiagnostic } from "./diagnostics.ts";
import { documentSymbols } from "./document-symbols.ts";
import { formatDocument } from "./formatting.ts";
import { hover } from "./hover.ts";
import { inlayHints } from "./inlay-hints.ts";
import { LineIndex } from "./line-index.ts";
import { definition, highlights, prepareRename, references, rename } from "./navigation.ts";
import { showGraph, SHOW_GRAPH_COMMAND, type ShowGraphOptions } from "./show-graph.ts";
import { signatureHelp } from "./signature-help.ts";

/** `initializationOptions` a client may send. */
export interface NetcInitializationOptions {
  /** Longest a check may run before only syntax diagnostics are shown (default 5000). */
  readonly checkTimeoutMs?: number;
}

/** One version of a document and its analysis. */
interface Snapshot extends PendingAnalysis {
  readonly version: number;
  readonly text: string;
}

/** What the transport needs to know to end the process as the protocol says. */
export interface ServerState {
  /** Whether the client sent `shutdown` (then exit code 0, else 1). */
  readonly shutdownReceived: boolean;
}

export function startServer(connection: Connection): ServerState {
  const state = { shutdownReceived: false };
  const documents = new TextDocuments(TextDocument);
  const analyses = new Map<string, Snapshot>();
  const log = (message: string): void => connection.console.error(message);
  let analyzer = new Analyzer(log);
  let snippets = false;

  /** The document's current version and its analysis, started at most once per version. */
  const snapshotOf = (uri: string): Snapshot | undefined => {
    const doc = documents.get(uri);
    if (!doc) return undefined;
    const cached = analyses.get(uri);
    if (cached?.version === doc.version) return cached;
    const text = doc.getText();
    const snapshot = { version: doc.version, text, ...analyzer.analyze(text, doc.version) };
    analyses.set(uri, snapshot);
    return snapshot;
  };
  const analysisOf = (uri: string): Promise<Analysis> | undefined => snapshotOf(uri)?.analysis;

  function guard<P extends { textDocument: { uri: string } }, R>(
    name: string,
    fallback: R,
    handler: (a: Analysis, params: P) => R | Promise<R>,
  ): (params: P) => Promise<R> {
    return async (params) => {
      try {
        // Positions in a request refer to the version current when it was sent: answer
        // from that version's analysis even if the text changes meanwhile.
        const a = await analysisOf(params.textDocument.uri);
        return a ? await handler(a, params) : fallback;
      } catch (error) {
        log(`netc: ${name} failed on ${params.textDocument.uri}: ${describe(error)}`);
        return fallback;
      }
    };
  }

  const publish = async (uri: string): Promise<void> => {
    try {
      const snapshot = snapshotOf(uri);
      if (!snapshot) return;
      const found = await snapshot.diagnostics;
      // Closed, or changed while it was analysed (the scheduler analyses the new text next):
      // results for an older text are never sent. The text is compared too, for a document
      // closed and reopened at the same version number meanwhile.
      const doc = documents.get(uri);
      if (doc?.version !== snapshot.version || doc.getText() !== snapshot.text) return;
      const lines = new LineIndex(snapshot.text);
      const diagnostics = found.map((d) => toLspDiagnostic(d, lines, uri));
      await connection.sendDiagnostics({ uri, version: snapshot.version, diagnostics });
    } catch (error) {
      log(`netc: diagnostics failed on ${uri}: ${describe(error)}`);
    }
  };

  const scheduler = new DiagnosticsScheduler(publish);

  // Opening fires this too.
  documents.onDidChangeContent((e) => scheduler.changed(e.document.uri));
  documents.onDidClose((e) => {
    scheduler.closed(e.document.uri);
    analyses.delete(e.document.uri);
    void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
  });

  connection.onInitialize((params): InitializeResult => {
    snippets = params.capabilities.textDocument?.completion?.completionItem?.snippetSupport === true;
    const options = (params.initializationOptions ?? {}) as NetcInitializationOptions;
    if (typeof options.checkTimeoutMs === "number" && options.checkTimeoutMs > 0) {
      const limits: AnalyzerLimits = { ...defaultLimits, timeoutMs: options.checkTimeoutMs };
      analyzer.dispose();
      analyzer = new Analyzer(log, limits);
    }
    analyzer.warmUp();
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        completionProvider: { triggerCharacters: ["(", ",", "=", ":", "["] },
        signatureHelpProvider: { triggerCharacters: ["(", ","], retriggerCharacters: ["="] },
        hoverProvider: true,
        inlayHintProvider: true,
        definitionProvider: true,
        referencesProvider: true,
        documentHighlightProvider: true,
        renameProvider: { prepareProvider: true },
        documentSymbolProvider: true,
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
        documentFormattingProvider: true,
        executeCommandProvider: { commands: [SHOW_GRAPH_COMMAND] },
      },
      serverInfo: { name: "netc" },
    };
  });
  connection.onShutdown(() => {
    state.shutdownReceived = true;
    analyzer.dispose();
  });

  const at = (a: Analysis, position: { line: number; character: number }): number => a.lines.offsetAt(position);

  connection.onHover(guard("hover", null, (a, p) => hover(a, at(a, p.position))));
  connection.languages.inlayHint.on(guard("inlayHint", [], (a, p) => inlayHints(a, p.range)));
  connection.onCompletion(guard("completion", [], (a, p) => completions(a, at(a, p.position), { snippets })));
  connection.onSignatureHelp(guard("signatureHelp", null, (a, p) => signatureHelp(a, at(a, p.position))));
  connection.onDefinition(guard("definition", null, (a, p) => definition(a, p.textDocument.uri, at(a, p.position))));
  connection.onReferences(
    guard("references", [], (a, p) =>
      references(a, p.textDocument.uri, at(a, p.position), p.context.includeDeclaration),
    ),
  );
  connection.onDocumentHighlight(guard("documentHighlight", [], (a, p) => highlights(a, at(a, p.position))));
  connection.onPrepareRename(guard("prepareRename", null, (a, p) => prepareRename(a, at(a, p.position))));
  connection.onRenameRequest(
    guard("rename", null, (a, p) => {
      const result = rename(a, p.textDocument.uri, at(a, p.position), p.newName);
      if (result && "error" in result) return new ResponseError(ErrorCodes.InvalidParams, result.error);
      return result?.edit ?? null;
    }),
  );
  connection.onDocumentSymbol(guard("documentSymbol", [], (a) => documentSymbols(a)));
  connection.onCodeAction(guard("codeAction", [], (a, p) => codeActions(a, p.textDocument.uri, p.range)));
  connection.onDocumentFormatting(
    guard("formatting", [], async (a, p) => {
      const edits = await formatDocument(a);
      // The text changed while formatting ran: these edits would apply to another text.
      return documents.get(p.textDocument.uri)?.version === a.version ? edits : [];
    }),
  );

  // [uri, position, options?] → { model, svg } or { error } (see show-graph.ts).
  connection.onExecuteCommand(async (p) => {
    if (p.command !== SHOW_GRAPH_COMMAND) return new ResponseError(ErrorCodes.InvalidParams, `unknown command ${p.command}`);
    const [uri, position, options] = (p.arguments ?? []) as [string?, { line: number; character: number }?, ShowGraphOptions?];
    if (typeof uri !== "string") return new ResponseError(ErrorCodes.InvalidParams, `${SHOW_GRAPH_COMMAND} expects [uri, position]`);
    try {
      const a = await analysisOf(uri);
      if (!a) return { error: `${uri} is not open` };
      return showGraph(a, position ? at(a, position) : 0, options);
    } catch (error) {
      log(`netc: ${SHOW_GRAPH_COMMAND} failed on ${uri}: ${describe(error)}`);
      return { error: `cannot draw the graph: ${describe(error)}` };
    }
  });

  documents.listen(connection);
  connection.listen();
  return state;
}
