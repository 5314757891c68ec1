// parse(text) → { program, diagnostics }. Never throws: the parser recovers from syntax
// errors, reports each once at its own range, and the AST keeps everything else.
import { EOF, type IRecognitionException, type IToken } from "chevrotain";
import { netParser } from "../../grammar/parser.ts";
import * as t from "../../grammar/tokens.ts";
import type { Program, TopItem } from "./ast.ts";
import type { Diagnostic, Span } from "../diagnostics/diagnostic.ts";
import type { SyntaxCode } from "../diagnostics/codes-syntax.ts";
import type { ProgramCstNode } from "../../grammar/cst-types.ts";
import { AstBuilder } from "./cst-to-ast.ts";
import { lex } from "./lex.ts";
import { limitNesting } from "./nesting.ts";
import { syntaxError } from "./syntax-error.ts";

export interface ParseResult {
  readonly program: Program;
  readonly diagnostics: Diagnostic[];
}

const codeOfException: Record<string, SyntaxCode> = {
  MismatchedTokenException: "NET1010",
  NoViableAltException: "NET1011",
  EarlyExitException: "NET1011",
  NotAllInputParsedException: "NET1012",
};

const topKeywords = new Set([t.Model, t.Block, t.Train, t.Predict]);

export function parse(text: string): ParseResult {
  const lexed = lex(text);
  const nesting = limitNesting(lexed.tokens);
  const tokensToParse = nesting.tokens;
  // Errors next to a too-deep group are its consequences, like those next to a lexical error.
  const lexical = [...lexed.diagnostics, ...nesting.diagnostics];
  const parserDiagnostics: Diagnostic[] = [];
  const builder = new AstBuilder(parserDiagnostics);
  const items: TopItem[] = [];

  // Text the top-level rule cannot start with ends a parse; skip to the next declaration
  // keyword and parse the rest, so one stray '}' does not hide the errors after it.
  let start = 0;
  for (;;) {
    const tokens = tokensToParse.slice(start);
    const parser = netParser();
    parser.input = tokens;
    const cst = parser.program() as ProgramCstNode;
    const errors = [...parser.errors];
    items.push(...builder.program(cst));
    let leftover: IToken | undefined;
    for (const error of errors) {
      if (error.name === "NotAllInputParsedException") leftover = error.token;
      parserDiagnostics.push(toDiagnostic(error, text));
    }
    if (leftover === undefined) break;
    const from = tokensToParse.indexOf(leftover);
    const next = tokensToParse.findIndex((token, i) => i > from && topKeywords.has(token.tokenType));
    if (next < 0) break;
    start = next;
  }

  const diagnostics = [...lexical, ...withoutCascades(parserDiagnostics, lexical, text)];
  diagnostics.sort((a, b) => a.span.start - b.span.start || a.span.end - b.span.end);
  const program: Program = { kind: "Program", items, comments: lexed.comments, span: { start: 0, end: text.length } };
  return { program, diagnostics };
}

function isRealOffset(token: IToken | undefined): token is IToken {
  return token !== undefined && token.tokenType !== EOF && Number.isFinite(token.startOffset);
}

/** Where an error shows: the offending token; or, when the token is missing at the end of a
 * line or of the file, right after the last token read (where the fix goes). */
function errorSpan(error: IRecognitionException, text: string): Span {
  const token = error.token;
  const previous = (error as { previousToken?: IToken }).previousToken;
  const afterPrevious: Span = isRealOffset(previous)
    ? { start: previous.endOffset! + 1, end: previous.endOffset! + 1 }
    : { start: text.length, end: text.length };
  if (!isRealOffset(token)) return afterPrevious;
  const missingAtLineEnd =
    error.name === "MismatchedTokenException" && isRealOffset(previous) && token.startLine! > previous.endLine!;
  return missingAtLineEnd ? afterPrevious : { start: token.startOffset, end: token.endOffset! + 1 };
}

function toDiagnostic(error: IRecognitionException, text: string): Diagnostic {
  const span = errorSpan(error, text);
  const atTopLevel = error.context.ruleStack.length <= 1;
  const code = atTopLevel ? "NET1012" : (codeOfException[error.name] ?? "NET1011");
  return syntaxError(code, error.message, span.start, span.end);
}

/** One message per mistake: drops a parser error at the position of an earlier one, and a
 * parser error next to a lexical error (a bad character, an unterminated string or comment
 * leaves a hole the parser trips over). */
function withoutCascades(parserDiagnostics: Diagnostic[], lexical: Diagnostic[], text: string): Diagnostic[] {
  const seen = new Set<number>();
  return parserDiagnostics.filter((d) => {
    if (seen.has(d.span.start)) return false;
    seen.add(d.span.start);
    return !lexical.some((l) => adjacent(l.span, d.span, text));
  });
}

/** Whether two ranges overlap or only whitespace separates them. */
function adjacent(a: Span, b: Span, text: string): boolean {
  const [first, second] = a.start <= b.start ? [a, b] : [b, a];
  return first.end >= second.start || text.slice(first.end, second.start).trim() === "";
}
