// The tokens of the .net language (LANGUAGE.md section 1) and the Chevrotain lexer.
// Comments are not skipped: they go to the "comments" group so the formatter can keep them.
import { createToken, Lexer, type TokenType } from "chevrotain";

export const COMMENTS_GROUP = "comments";

export const WhiteSpace = createToken({ name: "WhiteSpace", pattern: /[ \t\r\n\f\v\u00a0\ufeff]+/, group: Lexer.SKIPPED });

export const LineComment = createToken({ name: "LineComment", pattern: /\/\/[^\n\r]*/, group: COMMENTS_GROUP });
export const BlockComment = createToken({ name: "BlockComment", pattern: /\/\*[\s\S]*?\*\//, group: COMMENTS_GROUP });
/** `/*` with no closing `*\/`: kept as a comment to the end of the file; parse() reports it. */
export const UnterminatedBlockComment = createToken({
  name: "UnterminatedBlockComment",
  pattern: /\/\*[\s\S]*/,
  group: COMMENTS_GROUP,
});

/** Where a declaration expects a name, the grammar also takes a keyword (any token of this
 * category) so that `model input { }` gets one precise error and not a cascade. */
export const NameLike = createToken({ name: "NameLike", pattern: Lexer.NA, label: "a name" });

export const Ident = createToken({
  name: "Ident",
  pattern: /[A-Za-z_][A-Za-z0-9_]*/,
  label: "a name",
  categories: [NameLike],
});

function keyword(word: string): TokenType {
  const name = word[0]!.toUpperCase() + word.slice(1);
  return createToken({ name, pattern: new RegExp(word), longer_alt: Ident, label: `'${word}'`, categories: [NameLike] });
}

export const Model = keyword("model");
export const Block = keyword("block");
export const Train = keyword("train");
export const Predict = keyword("predict");
export const Input = keyword("input");
export const Repeat = keyword("repeat");
export const Parallel = keyword("parallel");
export const From = keyword("from");
export const Output = keyword("output");
export const Scaling = keyword("scaling");
export const As = keyword("as");
export const If = keyword("if");
export const Else = keyword("else");
export const And = keyword("and");
export const Or = keyword("or");
export const Not = keyword("not");
export const True = keyword("true");
export const False = keyword("false");

/** The element types (contextual words, not keywords) an input may declare (spec section 11); float is the default. */
export const DTYPE_WORDS = ["int", "float"] as const;

export function isDtypeWord(word: string): word is (typeof DTYPE_WORDS)[number] {
  return (DTYPE_WORDS as readonly string[]).includes(word);
}

/** `5x5`, `1x7`: one token, height x width. Must be tried before Number. */
export const Kernel = createToken({ name: "Kernel", pattern: /[0-9]+x[0-9]+/, label: "a kernel size" });
export const NumberLiteral = createToken({
  name: "NumberLiteral",
  pattern: /(?:[0-9]+(?:\.[0-9]+)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?/,
  label: "a number",
});

/** Both string tokens are "a string" to the parser; parse() reports the unterminated one. */
export const StringLiteral = createToken({ name: "StringLiteral", pattern: Lexer.NA, label: "a string" });
export const TerminatedString = createToken({
  name: "TerminatedString",
  pattern: /"(?:[^"\\\r\n]|\\[^\r\n])*"/,
  categories: [StringLiteral],
  label: "a string",
});
export const UnterminatedString = createToken({
  name: "UnterminatedString",
  pattern: /"(?:[^"\\\r\n]|\\[^\r\n])*\\?/,
  categories: [StringLiteral],
  label: "a string",
});

function punct(name: string, text: string, categories?: TokenType[]): TokenType {
  const escaped = text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
  return createToken({ name, pattern: new RegExp(escaped), label: `'${text}'`, ...(categories ? { categories } : {}) });
}

export const CompareOp = createToken({ name: "CompareOp", pattern: Lexer.NA, label: "a comparison" });
export const AdditiveOp = createToken({ name: "AdditiveOp", pattern: Lexer.NA, label: "'+' or '-'" });
export const MultiplicativeOp = createToken({ name: "MultiplicativeOp", pattern: Lexer.NA, label: "'*', '/' or '%'" });

export const Arrow = punct("Arrow", "->");
export const Power = punct("Power", "**");
export const EqualEqual = punct("EqualEqual", "==", [CompareOp]);
export const NotEqual = punct("NotEqual", "!=", [CompareOp]);
export const LessEqual = punct("LessEqual", "<=", [CompareOp]);
export const GreaterEqual = punct("GreaterEqual", ">=", [CompareOp]);
export const Less = punct("Less", "<", [CompareOp]);
export const Greater = punct("Greater", ">", [CompareOp]);
export const Equals = punct("Equals", "=");
export const Plus = punct("Plus", "+", [AdditiveOp]);
export const Minus = punct("Minus", "-", [AdditiveOp]);
export const Star = punct("Star", "*", [MultiplicativeOp]);
export const Slash = punct("Slash", "/", [MultiplicativeOp]);
export const Percent = punct("Percent", "%", [MultiplicativeOp]);
export const Colon = punct("Colon", ":");
export const Semicolon = punct("Semicolon", ";");
export const Comma = punct("Comma", ",");
export const LParen = punct("LParen", "(");
export const RParen = punct("RParen", ")");
export const LBracket = punct("LBracket", "[");
export const RBracket = punct("RBracket", "]");
export const LCurly = punct("LCurly", "{");
export const RCurly = punct("RCurly", "}");

/** Order matters: comments before `/`, `->` before `-`, `**` before `*`, keywords and
 * kernels before the patterns they overlap. */
export const allTokens: TokenType[] = [
  NameLike,
  WhiteSpace,
  LineComment,
  BlockComment,
  UnterminatedBlockComment,
  Model,
  Block,
  Train,
  Predict,
  Input,
  Repeat,
  Parallel,
  From,
  Output,
  Scaling,
  As,
  If,
  Else,
  And,
  Or,
  Not,
  True,
  False,
  Ident,
  Kernel,
  NumberLiteral,
  StringLiteral,
  TerminatedString,
  UnterminatedString,
  CompareOp,
  AdditiveOp,
  MultiplicativeOp,
  Arrow,
  Power,
  EqualEqual,
  NotEqual,
  LessEqual,
  GreaterEqual,
  Less,
  Greater,
  Equals,
  Plus,
  Minus,
  Star,
  Slash,
  Percent,
  Colon,
  Semicolon,
  Comma,
  LParen,
  RParen,
  LBracket,
  RBracket,
  LCurly,
  RCurly,
];

/** The keywords of LANGUAGE.md section 1 (plus the boolean literals), for editors and docs. */
export const keywordTokens: TokenType[] = [
  Model, Block, Train, Predict, Input, Repeat, Parallel, From, Output, Scaling, As, If, Else, And, Or, Not,
];

export const NET_LEXER_OPTIONS = { ensureOptimizations: true, positionTracking: "full" } as const;

let lexer: Lexer | undefined;

/** The lexer, built on first use. Its validations (duplicate or unreachable patterns...) are
 * skipped like the parser's: test/syntax/grammar.test.ts runs them. */
export function netLexer(): Lexer {
  lexer ??= new Lexer(allTokens, { ...NET_LEXER_OPTIONS, skipValidations: true });
  return lexer;
}
