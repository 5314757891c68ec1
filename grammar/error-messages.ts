// Human-readable syntax error messages for the parser ("expected ')' to close the argument
// list of conv, found ..."), instead of Chevrotain's token-type dumps. The unclosed bracket is
// found by scanning the current token vector backwards from the error.
import { EOF, type IParserErrorMessageProvider, type IToken, type TokenType } from "chevrotain";
import * as t from "./tokens.ts";

const openerOf = new Map<TokenType, TokenType>([
  [t.RParen, t.LParen],
  [t.RBracket, t.LBracket],
  [t.RCurly, t.LCurly],
]);

const declKeywords = new Set<TokenType>([t.Model, t.Block, t.Train, t.Predict, t.Parallel]);

/** "name 'conv'", "number '3'", "'('", "the end of the file". */
export function describeToken(token: IToken): string {
  const type = token.tokenType;
  if (type === EOF) return "the end of the file";
  if (type === t.Ident) return `name '${token.image}'`;
  if (type === t.NumberLiteral) return `number '${token.image}'`;
  if (type === t.Kernel) return `kernel size '${token.image}'`;
  if (type === t.TerminatedString || type === t.UnterminatedString) return `string ${token.image}`;
  return `'${token.image}'`;
}

function labelOf(type: TokenType): string {
  return type.LABEL ?? type.name;
}

function isEof(token: IToken): boolean {
  return token.tokenType === EOF;
}

/** Index of the unclosed `opener` before position `before` (exclusive), or -1. */
function findUnclosed(tokens: readonly IToken[], before: number, opener: TokenType, closer: TokenType): number {
  let depth = 0;
  for (let i = before - 1; i >= 0; i--) {
    const type = tokens[i]!.tokenType;
    if (type === closer) depth++;
    else if (type === opener) {
      if (depth === 0) return i;
      depth--;
    }
  }
  return -1;
}

/** Skips backwards over a balanced `( ... )` or `[ ... ]` ending at `index`; returns the index before it. */
function skipBalancedBack(tokens: readonly IToken[], index: number): number {
  const closer = tokens[index]!.tokenType;
  const opener = openerOf.get(closer);
  if (opener === undefined || closer === t.RCurly) return index - 1;
  const open = findUnclosed(tokens, index, opener, closer);
  return open < 0 ? -1 : open - 1;
}

/** What the `{` at `open` belongs to: "the body of model LeNet5", "the repeat body", ... */
function describeCurly(tokens: readonly IToken[], open: number): string {
  let i = open - 1;
  while (i >= 0) {
    const token = tokens[i]!;
    const type = token.tokenType;
    if (type === t.LCurly || type === t.RCurly || type === t.Semicolon) return "the parallel branch";
    if (declKeywords.has(type)) {
      const name = tokens[i + 1];
      const what = token.image;
      return name?.tokenType === t.Ident ? `the body of ${what} ${name.image}` : `the body of this ${what}`;
    }
    if (type === t.Repeat) return "the repeat body";
    if (type === t.If) return "the if body";
    if (type === t.Else) return "the else body";
    i = type === t.RParen || type === t.RBracket ? skipBalancedBack(tokens, i) : i - 1;
  }
  return "the '{'";
}

/** What the bracket at `open` opens: "the argument list of conv", "the list", ... */
function describeOpener(tokens: readonly IToken[], open: number): string {
  const type = tokens[open]!.tokenType;
  if (type === t.LBracket) return "the list";
  if (type === t.LCurly) return describeCurly(tokens, open);
  const before = tokens[open - 1];
  if (before?.tokenType !== t.Ident) return "the parenthesis";
  const keyword = tokens[open - 2]?.tokenType;
  if (keyword === t.Model || keyword === t.Block) return `the parameter list of ${before.image}`;
  return `the argument list of ${before.image}`;
}

const whatRuleExpects: Record<string, string> = {
  statement: "a statement",
  topItem: "'model', 'block', 'train' or 'predict'",
  outputStmt: "a name after 'output'",
};

/** Builds the message provider; `currentTokens` returns the token vector being parsed. */
export function createSyntaxErrorMessages(currentTokens: () => readonly IToken[]): IParserErrorMessageProvider {
  function closerMessage(expected: TokenType, actual: IToken, previous: IToken): string {
    const tokens = currentTokens();
    const closer = labelOf(expected);
    // Recovery may have moved past `previous`; the error is at `actual` (EOF: past the end).
    const actualIndex = isEof(actual) ? tokens.length : tokens.indexOf(actual);
    const opener = openerOf.get(expected)!;
    const open = actualIndex < 0 ? -1 : findUnclosed(tokens, actualIndex, opener, expected);
    const opened = open < 0 ? undefined : describeOpener(tokens, open);
    const onNextLine = isEof(actual) || actual.startLine! > previous.endLine!;
    if (onNextLine) return `expected ${closer}${opened ? ` to close ${opened}` : ""}, found ${describeToken(actual)}`;
    const item = expected === t.RCurly ? (open >= 0 && tokens[open - 1]?.tokenType === t.Ident && isConfig(tokens, open) ? "'key: value'" : "a statement") : "','";
    return `expected ${item} or ${closer}${opened ? ` in ${opened}` : ""}, found ${describeToken(actual)}`;
  }

  return {
    buildMismatchTokenMessage({ expected, actual, previous, ruleName }) {
      if (expected === EOF) return topLevelMessage(actual);
      if (openerOf.has(expected)) return closerMessage(expected, actual, previous);
      if (expected === t.Colon && ruleName === "configEntry") {
        return `expected ':' after '${previous.image}' (entries are written key: value), found ${describeToken(actual)}`;
      }
      if (expected === t.Colon && ruleName === "inputStmt") {
        return `expected ':' and a shape after the input name (input x: [28, 28, 1]), found ${describeToken(actual)}`;
      }
      const after = previous.tokenType === EOF || previous.image === "" ? "" : ` after '${previous.image}'`;
      return `expected ${labelOf(expected)}${after}, found ${describeToken(actual)}`;
    },
    buildNotAllInputParsedMessage({ firstRedundant }) {
      return topLevelMessage(firstRedundant);
    },
    buildNoViableAltMessage({ actual, ruleName }) {
      const expected = whatRuleExpects[ruleName] ?? "an expression";
      return `expected ${expected}, found ${describeToken(actual[0]!)}`;
    },
    buildEarlyExitMessage({ actual, ruleName }) {
      const expected = whatRuleExpects[ruleName] ?? "an expression";
      return `expected ${expected}, found ${describeToken(actual[0]!)}`;
    },
  };
}

function topLevelMessage(actual: IToken): string {
  return `expected 'model', 'block', 'train' or 'predict', found ${describeToken(actual)}`;
}

/** Whether the `{` at `open` is a train/predict body (entries, not statements). */
function isConfig(tokens: readonly IToken[], open: number): boolean {
  const keyword = tokens[open - 2]?.tokenType;
  return keyword === t.Train || keyword === t.Predict;
}
