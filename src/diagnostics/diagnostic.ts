// The one diagnostic type every stage returns. Spans are UTF-16 offsets into the source text;
// line/column are computed only when shown (see render.ts and the LSP conversion).

export interface Span {
  readonly start: number;
  /** Exclusive. */
  readonly end: number;
}

export type Severity = "error" | "warning" | "info" | "hint";

export interface RelatedNote {
  readonly span: Span;
  readonly message: string;
}

export interface TextEdit {
  readonly span: Span;
  readonly newText: string;
}

/** A machine-applicable fix (used by the CLI's help text and the LSP's code actions). */
export interface Fix {
  readonly title: string;
  readonly edits: readonly TextEdit[];
}

export interface Diagnostic {
  /** Stable code from the catalogue, e.g. "NET3001". */
  readonly code: string;
  readonly severity: Severity;
  readonly message: string;
  readonly span: Span;
  readonly related?: readonly RelatedNote[];
  readonly fixes?: readonly Fix[];
}

export function span(start: number, end: number): Span {
  return { start, end };
}

export function cover(a: Span, b: Span): Span {
  return { start: Math.min(a.start, b.start), end: Math.max(a.end, b.end) };
}
