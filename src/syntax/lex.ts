// Lexing: tokens for the parser, comments for the formatter, lexical diagnostics (bad
// characters, unterminated strings and comments). Never throws.
import type { IToken } from "chevrotain";
import * as t from "../../grammar/tokens.ts";
import type { Comment } from "./ast.ts";
import type { Diagnostic, Span } from "../diagnostics/diagnostic.ts";
import { syntaxError } from "./syntax-error.ts";

export interface LexResult {
  readonly tokens: IToken[];
  readonly comments: Comment[];
  readonly diagnostics: Diagnostic[];
}

export function lex(text: string): LexResult {
  const result = t.netLexer().tokenize(text);
  const diagnostics: Diagnostic[] = [];
  for (const error of result.errors) {
    const bad = text.slice(error.offset, error.offset + error.length);
    const what = bad.length === 1 ? "character" : "characters";
    diagnostics.push(
      syntaxError("NET1001", `unexpected ${what} '${bad}'`, error.offset, error.offset + error.length),
    );
  }
  for (const token of result.tokens) {
    if (token.tokenType === t.UnterminatedString) {
      diagnostics.push(
        syntaxError("NET1002", "unterminated string: add the closing '\"' on the same line", token.startOffset, token.endOffset! + 1),
      );
    }
  }
  const comments = (result.groups[t.COMMENTS_GROUP] ?? []).map((token): Comment => {
    const start = token.startOffset;
    const end = token.endOffset! + 1;
    if (token.tokenType === t.UnterminatedBlockComment) {
      diagnostics.push(syntaxError("NET1003", "unterminated block comment: '/*' has no closing '*/'", start, start + 2));
    }
    return {
      kind: "Comment",
      text: token.image,
      block: token.tokenType !== t.LineComment,
      span: { start, end },
      lines: linesAround(text, end),
    };
  });
  return { tokens: result.tokens, comments, diagnostics };
}

/** The line holding `offset` (its end) and the line after it. */
function linesAround(text: string, offset: number): { own: Span; next: Span } {
  const ownStart = text.lastIndexOf("\n", offset - 1) + 1;
  const newline = text.indexOf("\n", offset);
  const ownEnd = newline < 0 ? text.length : newline;
  const nextStart = newline < 0 ? text.length : newline + 1;
  const after = text.indexOf("\n", nextStart);
  return { own: { start: ownStart, end: ownEnd }, next: { start: nextStart, end: after < 0 ? text.length : after } };
}

const escapes: Record<string, string> = { n: "\n", t: "\t", r: "\r", "\\": "\\", '"': '"' };

/** The value of a string token (with or without its closing quote); reports bad escapes. */
export function unescapeString(token: IToken, diagnostics: Diagnostic[]): string {
  const raw = token.image;
  const closed = token.tokenType === t.TerminatedString;
  const inner = raw.slice(1, closed ? -1 : raw.length);
  let value = "";
  for (let i = 0; i < inner.length; i++) {
    const ch = inner[i]!;
    if (ch !== "\\") {
      value += ch;
      continue;
    }
    const next = inner[i + 1];
    if (next === undefined) break; // a lone trailing backslash of an unterminated string
    const escaped = escapes[next];
    if (escaped === undefined) {
      const at = token.startOffset + 1 + i;
      diagnostics.push(syntaxError("NET1004", `invalid escape '\\${next}' (use \\n, \\t, \\r, \\\\ or \\")`, at, at + 2));
    }
    value += escaped ?? next;
    i++;
  }
  return value;
}
