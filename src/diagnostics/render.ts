// The terminal renderer: `file:line:col: severity CODE: message`, the source line with carets
// under the range, then related notes and fixes. Line/column are computed only here (1-based).
import type { Diagnostic, Severity, Span } from "./diagnostic.ts";
import { palette, type Palette } from "./palette.ts";

export interface RenderOptions {
  /** Colours as tsc --pretty (default: none). */
  readonly colors?: Palette;
}

export interface Position {
  /** 1-based. */
  readonly line: number;
  /** 1-based, in UTF-16 code units. */
  readonly column: number;
}

/** Maps offsets to lines and columns for one text. */
export class LineMap {
  private readonly starts: number[] = [0];

  constructor(readonly text: string) {
    for (let i = 0; i < text.length; i++) if (text[i] === "\n") this.starts.push(i + 1);
  }

  position(offset: number): Position {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - this.starts[lo]! + 1 };
  }

  lineText(line: number): string {
    const start = this.starts[line - 1] ?? this.text.length;
    const next = this.starts[line];
    return this.text.slice(start, next === undefined ? undefined : next - 1).replace(/\r$/, "");
  }
}

export function renderDiagnostic(file: string, lines: LineMap, d: Diagnostic, options: RenderOptions = {}): string {
  const c = options.colors ?? palette(false);
  const tone = severityColor(c, d.severity);
  const out = [
    `${location(file, lines, d.span, c)}: ${tone(d.severity)} ${c.grey(d.code)}: ${d.message}`,
    ...excerpt(lines, d.span, c, tone),
  ];
  for (const note of d.related ?? []) {
    out.push(`${location(file, lines, note.span, c)}: ${c.cyan("note")}: ${note.message}`, ...excerpt(lines, note.span, c, c.cyan));
  }
  for (const fix of d.fixes ?? []) out.push(`  ${c.cyan("help")}: ${fix.title}`);
  return out.join("\n");
}

export function renderDiagnostics(
  file: string,
  text: string,
  diagnostics: readonly Diagnostic[],
  options: RenderOptions = {},
): string {
  const lines = new LineMap(text);
  return diagnostics.map((d) => renderDiagnostic(file, lines, d, options) + "\n").join("");
}

function severityColor(c: Palette, severity: Severity): (text: string) => string {
  if (severity === "error") return c.red;
  if (severity === "warning") return c.yellow;
  return c.blue;
}

/** `file:line:col`, coloured as tsc: the file cyan, the position yellow. */
function location(file: string, lines: LineMap, span: Span, c: Palette): string {
  const { line, column } = lines.position(span.start);
  return `${c.cyan(file)}:${c.yellow(String(line))}:${c.yellow(String(column))}`;
}

/** The first line of the span with carets under it (at least one caret). */
function excerpt(lines: LineMap, span: Span, c: Palette, tone: (text: string) => string): string[] {
  const start = lines.position(span.start);
  const end = lines.position(span.end);
  const text = lines.lineText(start.line);
  const lastColumn = end.line === start.line ? end.column : text.length + 1;
  const width = Math.max(1, lastColumn - start.column);
  const gutter = String(start.line);
  const pad = " ".repeat(gutter.length);
  const indent = text.slice(0, start.column - 1).replace(/[^\t]/g, " ");
  return [`${c.grey(`${gutter} |`)} ${text}`, `${c.grey(`${pad} |`)} ${indent}${tone("^".repeat(width))}`];
}

/** The JSON form of a diagnostic (`netc check --format json`), with 1-based positions. */
export function diagnosticToJson(file: string, lines: LineMap, d: Diagnostic): object {
  const range = (span: Span) => {
    const start = lines.position(span.start);
    const end = lines.position(span.end);
    return { start: span.start, end: span.end, line: start.line, column: start.column, endLine: end.line, endColumn: end.column };
  };
  return {
    file,
    code: d.code,
    severity: d.severity,
    message: d.message,
    ...range(d.span),
    related: (d.related ?? []).map((r) => ({ message: r.message, ...range(r.span) })),
    fixes: (d.fixes ?? []).map((f) => ({
      title: f.title,
      edits: f.edits.map((e) => ({ newText: e.newText, ...range(e.span) })),
    })),
  };
}
