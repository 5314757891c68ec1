// Builds a syntax Diagnostic from the NET1xxx catalogue.
import type { Diagnostic } from "../diagnostics/diagnostic.ts";
import { syntaxCodes, type SyntaxCode } from "../diagnostics/codes-syntax.ts";

export function syntaxError(code: SyntaxCode, message: string, start: number, end: number): Diagnostic {
  return { code, severity: syntaxCodes[code].severity, message, span: { start, end } };
}
