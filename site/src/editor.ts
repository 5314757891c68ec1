// The editor: CodeMirror 6 with netc's highlighting, and everything the language server
// offers — diagnostics with exact ranges and quick fixes, hover, completion, inlay shapes —
// answered by the analysis worker (analysis-client.ts).
import { autocompletion, closeBrackets, closeBracketsKeymap, completionKeymap, snippet, type Completion, type CompletionContext } from "@codemirror/autocomplete";
import { defaultKeymap, history, historyKeymap, indentWithTab } from "@codemirror/commands";
import { bracketMatching, indentOnInput } from "@codemirror/language";
import { lintGutter, lintKeymap, setDiagnostics, type Diagnostic } from "@codemirror/lint";
import { highlightSelectionMatches } from "@codemirror/search";
import { EditorState, StateEffect, StateField, type Extension } from "@codemirror/state";
import {
  Decoration,
  drawSelection,
  EditorView,
  highlightActiveLine,
  highlightActiveLineGutter,
  hoverTooltip,
  keymap,
  lineNumbers,
  WidgetType,
  type DecorationSet,
} from "@codemirror/view";
import type { AnalysisClient } from "./analysis-client.ts";
import { netHighlighting } from "./language.ts";
import { markdownToHtml } from "./markdown.ts";
import type { PageDiagnostic } from "./protocol.ts";

class ShapeHint extends WidgetType {
  constructor(readonly label: string) {
    super();
  }
  override eq(other: ShapeHint): boolean {
    return other.label === this.label;
  }
  toDOM(): HTMLElement {
    const span = document.createElement("span");
    span.className = "cm-inlay";
    span.textContent = this.label;
    return span;
  }
}

const setHints = StateEffect.define<readonly { at: number; label: string }[]>();

const hintField = StateField.define<DecorationSet>({
  create: () => Decoration.none,
  update(hints, tr) {
    for (const e of tr.effects)
      if (e.is(setHints)) {
        const length = tr.state.doc.length;
        return Decoration.set(
          e.value.filter((h) => h.at <= length).map((h) => Decoration.widget({ widget: new ShapeHint(h.label), side: 1 }).range(h.at)),
          true,
        );
      }
    return hints.map(tr.changes);
  },
  provide: (f) => EditorView.decorations.from(f),
});

export interface NetEditor {
  readonly view: EditorView;
  /** The document's version: bumped by every change. */
  version(): number;
  setText(text: string): void;
}

export function createEditor(parent: HTMLElement, text: string, client: AnalysisClient, onChange: (text: string) => void): NetEditor {
  let version = 1;

  const completionSource = async (ctx: CompletionContext) => {
    const word = ctx.matchBefore(/[A-Za-z_][\w]*/);
    if (!word && !ctx.explicit) return null;
    const from = word?.from ?? ctx.pos;
    const items = await client.complete(version, ctx.pos);
    if (ctx.aborted) return null;
    return {
      from,
      validFor: /^\w*$/,
      options: items.map<Completion>((item) => ({
        label: item.label,
        ...(item.type ? { type: item.type } : {}),
        ...(item.detail ? { detail: item.detail } : {}),
        ...(item.info ? { info: () => htmlElement(markdownToHtml(item.info!)) } : {}),
        apply: item.snippet ? snippet(item.apply) : item.apply,
      })),
    };
  };

  const hover = hoverTooltip(async (_view, pos) => {
    const found = await client.hover(version, pos);
    if (!found || found.markdown === null) return null;
    return {
      pos: found.from ?? pos,
      end: found.to ?? pos,
      above: true,
      create: () => ({ dom: htmlElement(markdownToHtml(found.markdown!), "cm-netc-hover") }),
    };
  });

  const extensions: Extension[] = [
    lineNumbers(),
    highlightActiveLineGutter(),
    history(),
    drawSelection(),
    indentOnInput(),
    bracketMatching(),
    closeBrackets(),
    highlightActiveLine(),
    highlightSelectionMatches(),
    netHighlighting,
    lintGutter(),
    hintField,
    hover,
    autocompletion({ override: [completionSource], activateOnTyping: true }),
    keymap.of([...closeBracketsKeymap, ...defaultKeymap, ...historyKeymap, ...completionKeymap, ...lintKeymap, indentWithTab]),
    EditorState.tabSize.of(2),
    EditorView.lineWrapping,
    EditorView.updateListener.of((update) => {
      if (!update.docChanged) return;
      version++;
      const text = update.state.doc.toString();
      client.analyze(version, text);
      onChange(text);
    }),
  ];
  const view = new EditorView({ parent, state: EditorState.create({ doc: text, extensions }) });

  client.onDiagnostics = (v, diagnostics) => {
    if (v !== version) return;
    view.dispatch(setDiagnostics(view.state, diagnostics.map((d) => lintDiagnostic(d, v))));
  };
  client.onHints = (v, hints) => {
    if (v === version) view.dispatch({ effects: setHints.of(hints) });
  };
  client.analyze(version, text);

  function lintDiagnostic(d: PageDiagnostic, v: number): Diagnostic {
    return {
      from: d.from,
      to: d.to,
      severity: d.severity,
      source: d.code,
      message: d.message,
      actions: d.fixes.map((fix) => ({
        name: fix.title,
        apply(target: EditorView) {
          // The fix's offsets are those of the analysed text; a later edit makes a newer analysis.
          if (v !== version) return;
          target.dispatch({ changes: fix.edits.map((e) => ({ from: e.from, to: e.to, insert: e.insert })) });
        },
      })),
    };
  }

  return {
    view,
    version: () => version,
    setText(next) {
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: next } });
    },
  };
}

function htmlElement(html: string, className = "cm-netc-doc"): HTMLElement {
  const div = document.createElement("div");
  div.className = className;
  div.innerHTML = html;
  return div;
}
