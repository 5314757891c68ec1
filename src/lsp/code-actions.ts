// Quick fixes: every machine-applicable fix carried by a diagnostic under the cursor or
// selection (insert flatten(), drop a redundant bias, a did-you-mean, ...).
import { CodeActionKind, type CodeAction, type Range } from "vscode-languageserver";
import type { Analysis } from "./analysis.ts";
import { toLspDiagnostic } from "./diagnostics.ts";

export function codeActions(a: Analysis, uri: string, range: Range): CodeAction[] {
  const { start, end } = a.lines.spanOf(range);
  const actions: CodeAction[] = [];
  for (const d of a.diagnostics) {
    // Touching counts: a cursor at the end of a word still gets its fix.
    if (!d.fixes?.length || d.span.end < start || d.span.start > end) continue;
    for (const fix of d.fixes) {
      actions.push({
        title: fix.title,
        kind: CodeActionKind.QuickFix,
        diagnostics: [toLspDiagnostic(d, a.lines, uri)],
        isPreferred: d.fixes.length === 1,
        edit: { changes: { [uri]: fix.edits.map((e) => ({ range: a.lines.range(e.span), newText: e.newText })) } },
      });
    }
  }
  return actions;
}
