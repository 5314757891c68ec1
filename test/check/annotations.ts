// Inline expected diagnostics, rust-analyzer style: a comment line whose carets sit under the
// range they judge on the nearest line above that is not itself an annotation:
//     conv(10 * alpha, 3x3)
//   //     ^^^^^^^^^^ error NET3002: 'filters' of conv must be an integer, ...
// A message ending in "..." is a prefix; otherwise it must match exactly.
import type { Diagnostic } from "../../src/diagnostics/diagnostic.ts";
import { LineMap } from "../../src/diagnostics/render.ts";

export interface Expectation {
  /** 1-based line and column of the first caret in the judged line, and the caret count. */
  readonly line: number;
  readonly column: number;
  readonly width: number;
  readonly severity: string;
  readonly code: string;
  readonly message: string;
}

const ANNOTATION = /^(\s*)\/\/(\s*)(\^+)\s+(error|warning|info|hint)\s+(NET\d{4}):\s?(.*)$/;

export function readExpectations(text: string): Expectation[] {
  const lines = text.split("\n");
  const out: Expectation[] = [];
  let judged = 0;
  lines.forEach((line, i) => {
    const m = ANNOTATION.exec(line);
    if (!m) {
      judged = i + 1;
      return;
    }
    const column = m[1]!.length + 2 + m[2]!.length + 1;
    out.push({ line: judged, column, width: m[3]!.length, severity: m[4]!, code: m[5]!, message: m[6]!.trimEnd() });
  });
  return out;
}

/** Where a diagnostic shows, in the same terms (width clipped to the end of its first line). */
export function actualOf(text: string, d: Diagnostic): Expectation {
  const lines = new LineMap(text);
  const start = lines.position(d.span.start);
  const end = lines.position(d.span.end);
  const lastColumn = end.line === start.line ? end.column : lines.lineText(start.line).length + 1;
  return {
    line: start.line,
    column: start.column,
    width: Math.max(1, lastColumn - start.column),
    severity: d.severity,
    code: d.code,
    message: d.message,
  };
}

export function matches(expected: Expectation, actual: Expectation): boolean {
  const message = expected.message.endsWith("...")
    ? actual.message.startsWith(expected.message.slice(0, -3))
    : actual.message === expected.message;
  return (
    message &&
    expected.line === actual.line &&
    expected.column === actual.column &&
    expected.width === actual.width &&
    expected.severity === actual.severity &&
    expected.code === actual.code
  );
}

/** Renders a diagnostic as the annotation line that would expect it (for failure messages). */
export function annotationFor(e: Expectation): string {
  const indent = Math.max(0, e.column - 4);
  return `${e.line}: ${" ".repeat(indent)}// ${"^".repeat(e.width)} ${e.severity} ${e.code}: ${e.message}`;
}
