// netc diagnostics → LSP diagnostics, with related notes and the "unnecessary" tag for
// unused declarations (editors fade them out).
import { DiagnosticSeverity, DiagnosticTag, type Diagnostic as LspDiagnostic } from "vscode-languageserver";
import type { Diagnostic, Severity } from "../diagnostics/diagnostic.ts";
import type { LineIndex } from "./line-index.ts";

const severities: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

/** Unused label, unused block. */
const unnecessaryCodes = new Set(["NET5008", "NET5009"]);

export function toLspDiagnostic(d: Diagnostic, lines: LineIndex, uri: string): LspDiagnostic {
  return {
    range: lines.range(d.span),
    severity: severities[d.severity],
    code: d.code,
    source: "netc",
    message: d.message,
    ...(d.related?.length
      ? {
          relatedInformation: d.related.map((note) => ({
            location: { uri, range: lines.range(note.span) },
            message: note.message,
          })),
        }
      : {}),
    ...(unnecessaryCodes.has(d.code) ? { tags: [DiagnosticTag.Unnecessary] } : {}),
  };
}
