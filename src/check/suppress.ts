// Silencing lints with comments, as ESLint does:
//   // netc-disable-next-line NET5004          the next line
//   conv(64, 3x3) // netc-disable-line NET5004  this line
//   // netc-disable NET5004                     from here to the end of the file
//   // netc-enable NET5004                      (or until this)
// Several codes may be listed (`NET5004, NET5001`), then `-- a reason`; no code means every lint. Only warnings and
// hints can be silenced: an error means the model cannot be built. Applied inside check(), so
// the command line and the language server honour the same comments.
import type { Diagnostic, Span } from "../diagnostics/diagnostic.ts";
import type { Comment } from "../syntax/ast.ts";

type Kind = "disable-next-line" | "disable-line" | "disable" | "enable";

interface Directive {
  readonly kind: Kind;
  /** Empty: every code. */
  readonly codes: readonly string[];
  readonly comment: Comment;
}

const DIRECTIVE = /^(?:\/\/|\/\*)\s*netc-(disable-next-line|disable-line|disable|enable)\b([^*]*)/;

export function directivesOf(comments: readonly Comment[]): Directive[] {
  return comments.flatMap((comment) => {
    const match = DIRECTIVE.exec(comment.text);
    if (!match) return [];
    // Codes come before an optional `-- reason`.
    const codes = match[2]!.split("--")[0]!.split(/[\s,]+/).filter((c) => /^NET\d{4}$/.test(c));
    return [{ kind: match[1] as Kind, codes, comment }];
  });
}

const covers = (span: Span, offset: number) => offset >= span.start && offset <= span.end;
const names = (d: Directive, code: string) => d.codes.length === 0 || d.codes.includes(code);

/** Whether the directives silence a diagnostic (never an error). */
export function isSuppressed(d: Diagnostic, directives: readonly Directive[]): boolean {
  if (d.severity === "error") return false;
  const at = d.span.start;
  let disabled = false;
  for (const directive of directives) {
    if (!names(directive, d.code)) continue;
    const lines = directive.comment.lines;
    if (directive.kind === "disable-next-line" && lines && covers(lines.next, at)) return true;
    if (directive.kind === "disable-line" && lines && covers(lines.own, at)) return true;
    // File-level ranges: the last disable/enable before the diagnostic decides.
    if (directive.comment.span.start <= at) {
      if (directive.kind === "disable") disabled = true;
      if (directive.kind === "enable") disabled = false;
    }
  }
  return disabled;
}

export function withoutSuppressed(diagnostics: Diagnostic[], comments: readonly Comment[]): Diagnostic[] {
  const directives = directivesOf(comments);
  return directives.length === 0 ? diagnostics : diagnostics.filter((d) => !isSuppressed(d, directives));
}
