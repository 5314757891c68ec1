// The one catalogue of diagnostic codes: code → severity and a one-line title.
import type { Diagnostic, Fix, RelatedNote, Span } from "./diagnostic.ts";
import { syntaxCodes, type CodeInfo } from "./codes-syntax.ts";
import { checkCodes, type CheckCode } from "./codes-check.ts";

export const catalogue: Readonly<Record<string, CodeInfo>> = {
  ...syntaxCodes,
  ...checkCodes,
};

export interface DiagnosticExtras {
  readonly related?: readonly RelatedNote[];
  readonly fixes?: readonly Fix[];
}

/** Builds a checker diagnostic; the severity always comes from the catalogue. */
export function diagnostic(code: CheckCode, span: Span, message: string, extras: DiagnosticExtras = {}): Diagnostic {
  const d: Diagnostic = {
    code,
    severity: checkCodes[code].severity,
    message,
    span,
  };
  return {
    ...d,
    ...(extras.related?.length ? { related: extras.related } : {}),
    ...(extras.fixes?.length ? { fixes: extras.fixes } : {}),
  };
}
