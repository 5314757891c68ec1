// A limit on nesting, checked on the tokens before parsing: the parser, the AST builder, the
// checker and the formatter all recurse once per level, so absurd nesting (hundreds of
// parentheses, generated code gone wrong) would overflow the stack. Each group nested deeper
// than the limit is reported once (NET1016) and left out of the parse; the rest of the file
// parses and checks as usual.
import type { IToken, TokenType } from "chevrotain";
import * as t from "../../grammar/tokens.ts";
import type { Diagnostic } from "../diagnostics/diagnostic.ts";
import { syntaxError } from "./syntax-error.ts";

/** Brackets, braces and parentheses nested in one another; prefix operators in a row. */
export const MAX_NESTING = 32;

const closerOf = new Map<TokenType, TokenType>([
  [t.LParen, t.RParen],
  [t.LBracket, t.RBracket],
  [t.LCurly, t.RCurly],
]);
const closers = new Set(closerOf.values());
const operators = new Set<TokenType>([t.Minus, t.Plus, t.Not]);

export interface NestingResult {
  /** The tokens with every too-deep group removed (the same array when nothing was). */
  readonly tokens: IToken[];
  readonly diagnostics: Diagnostic[];
}

export function limitNesting(tokens: IToken[]): NestingResult {
  const diagnostics: Diagnostic[] = [];
  const kept: IToken[] = [];
  const open: TokenType[] = [];
  let run = 0;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    run = operators.has(token.tokenType) ? run + 1 : 0;
    if (closerOf.has(token.tokenType) && open.length === MAX_NESTING) {
      const end = matchingClose(tokens, i);
      const last = tokens[Math.min(end, tokens.length - 1)]!;
      diagnostics.push(
        syntaxError(
          "NET1016",
          `nesting too deep: more than ${MAX_NESTING} levels of brackets; ` +
            "name the inner parts with params or blocks to flatten it",
          token.startOffset,
          last.endOffset! + 1,
        ),
      );
      i = end;
      continue;
    }
    if (run > MAX_NESTING) {
      let end = i;
      while (end + 1 < tokens.length && operators.has(tokens[end + 1]!.tokenType)) end++;
      diagnostics.push(
        syntaxError(
          "NET1016",
          `nesting too deep: more than ${MAX_NESTING} prefix operators in a row`,
          tokens[i - MAX_NESTING]!.startOffset,
          tokens[end]!.endOffset! + 1,
        ),
      );
      // Keep the first MAX_NESTING operators: the rest of the expression still parses.
      i = end;
      run = 0;
      continue;
    }
    if (closerOf.has(token.tokenType)) open.push(closerOf.get(token.tokenType)!);
    else if (closers.has(token.tokenType)) {
      const at = open.lastIndexOf(token.tokenType);
      if (at >= 0) open.length = at;
    }
    kept.push(token);
  }
  return diagnostics.length === 0 ? { tokens, diagnostics } : { tokens: kept, diagnostics };
}

/** The index of the token closing the group opened at `start` (the last token if unclosed). */
function matchingClose(tokens: readonly IToken[], start: number): number {
  let depth = 0;
  for (let i = start; i < tokens.length; i++) {
    const type = tokens[i]!.tokenType;
    if (closerOf.has(type)) depth++;
    else if (closers.has(type) && --depth === 0) return i;
  }
  return tokens.length - 1;
}
