// Where the cursor is, syntactically, for completion and signature help: read from the tokens
// before it (not from the AST) because the text being typed is usually incomplete.
import type { IToken, TokenType } from "chevrotain";
import * as t from "../../grammar/tokens.ts";
import { lex } from "../syntax/lex.ts";

/** An unclosed `(`: a call whose arguments the cursor is in. */
export interface OpenCall {
  readonly callee: string;
  /** Positional arguments before the current one. */
  readonly positional: number;
  /** Names of the named arguments before the current one. */
  readonly named: readonly string[];
  /** `stride` when the cursor is after `stride =` in the current argument. */
  readonly currentName?: string;
  /** Nothing but the word being typed in the current argument so far: a name may go here. */
  readonly atArgStart: boolean;
}

/** What encloses the cursor: a model or block body, a train/predict section, or nothing. */
export type Region =
  | { readonly kind: "top" }
  | { readonly kind: "body" }
  | { readonly kind: "parallel" }
  | {
      readonly kind: "config";
      readonly section: "train" | "predict";
      readonly key?: string;
      readonly inValue: boolean;
    };

export interface CursorContext {
  /** Start of the identifier characters right before the cursor (the word being completed). */
  readonly prefixStart: number;
  /** The token before the word being completed. */
  readonly previous?: IToken;
  readonly region: Region;
  /** The innermost unclosed call, when the cursor is in its argument list (not in a nested list). */
  readonly call?: OpenCall;
  /** In a `[...]` list, directly. */
  readonly inList: boolean;
  /** A new statement may start here. */
  readonly statementStart: boolean;
}

interface CallFrame {
  readonly kind: "(";
  readonly callee?: IToken;
  positional: number;
  named: string[];
  argTokens: IToken[];
}
interface ListFrame {
  readonly kind: "[";
}
interface CurlyFrame {
  readonly kind: "{";
  readonly region: Region["kind"];
  readonly section?: "train" | "predict";
  /** Config sections: the key whose value is being written, if any. */
  key?: string;
  inValue: boolean;
}
type Frame = CallFrame | ListFrame | CurlyFrame;

/** Tokens after which an expression or a name is still expected. */
const continuations = new Set<TokenType>([
  t.Arrow,
  t.Colon,
  t.Equals,
  t.Comma,
  t.LParen,
  t.LBracket,
  t.From,
  t.Repeat,
  t.As,
  t.If,
  t.Parallel,
  t.Input,
  t.Output,
  t.Model,
  t.Block,
  t.Train,
  t.Predict,
  t.Scaling,
  t.Not,
  t.And,
  t.Or,
  t.Plus,
  t.Minus,
  t.Star,
  t.Slash,
  t.Percent,
  t.Power,
  t.EqualEqual,
  t.NotEqual,
  t.Less,
  t.LessEqual,
  t.Greater,
  t.GreaterEqual,
]);

export function cursorContext(text: string, offset: number): CursorContext | undefined {
  const lexed = lex(text);
  const inside = (s: { start: number; end: number }) => s.start < offset && offset < s.end;
  if (lexed.comments.some((c) => inside(c.span) || (!c.block && c.span.start < offset && offset <= c.span.end)))
    return undefined;
  let prefixStart = offset;
  while (prefixStart > 0 && /[A-Za-z0-9_]/.test(text[prefixStart - 1]!)) prefixStart--;
  const prefix = text.slice(prefixStart, offset);
  if (/^[0-9]/.test(prefix)) return undefined;

  const before = lexed.tokens.filter((token) => token.endOffset! + 1 <= prefixStart);
  const atCursor = lexed.tokens.find((token) => token.startOffset < offset && offset <= token.endOffset!);
  if (atCursor && atCursor.tokenType.CATEGORIES?.includes(t.StringLiteral)) return undefined;

  const frames: Frame[] = [];
  const top = (): Frame | undefined => frames[frames.length - 1];
  const curly = (): CurlyFrame | undefined => frames[lastIndexOf(frames, "{")] as CurlyFrame | undefined;
  for (let i = 0; i < before.length; i++) {
    const token = before[i]!;
    const type = token.tokenType;
    const frame = top();
    if (frame?.kind === "(" && type !== t.Comma && type !== t.RParen) frame.argTokens.push(token);
    if (type === t.LParen) {
      const callee = before[i - 1];
      frames.push({
        kind: "(",
        ...(callee && isName(callee) ? { callee } : {}),
        positional: 0,
        named: [],
        argTokens: [],
      });
    } else if (type === t.LBracket) {
      frames.push({ kind: "[" });
    } else if (type === t.RParen || type === t.RBracket) {
      const open = type === t.RParen ? "(" : "[";
      // Recovery for unbalanced text: close up to the matching opener, never past a `{`.
      const at = lastIndexOf(frames, open);
      if (at >= 0 && !frames.slice(at).some((f) => f.kind === "{")) frames.length = at;
    } else if (type === t.Comma && frame?.kind === "(") {
      const name = argName(frame.argTokens);
      if (name) frame.named.push(name);
      else frame.positional++;
      frame.argTokens = [];
    } else if (type === t.LCurly) {
      while (top() && top()!.kind !== "{") frames.pop();
      frames.push(curlyFrame(before, i, curly()));
    } else if (type === t.RCurly) {
      while (top() && top()!.kind !== "{") frames.pop();
      frames.pop();
    } else if (type === t.Colon && frame?.kind === "{" && frame.region === "config") {
      const key = before[i - 1];
      if (key && isName(key)) frame.key = key.image;
      frame.inValue = true;
    }
    // A config entry ends at the end of its line when no bracket is open.
    const next = before[i + 1];
    const section = top();
    if (
      section?.kind === "{" &&
      section.region === "config" &&
      next &&
      next.startLine! > token.endLine! &&
      type !== t.Colon
    ) {
      section.inValue = false;
      delete section.key;
    }
  }

  const previous = before[before.length - 1];
  const frame = top();
  const enclosing = curly();
  const sameLine = previous !== undefined && previous.endLine === lineOf(text, prefixStart);
  const region: Region = !enclosing
    ? { kind: "top" }
    : enclosing.region === "config"
      ? {
          kind: "config",
          section: enclosing.section!,
          ...(enclosing.key !== undefined && (sameLine || frame !== enclosing) ? { key: enclosing.key } : {}),
          inValue: enclosing.inValue && (sameLine || frame !== enclosing),
        }
      : { kind: enclosing.region as "body" | "parallel" };
  const call = frame?.kind === "(" && frame.callee ? openCall(frame) : undefined;
  const afterComplete = previous === undefined || !continuations.has(previous.tokenType);
  const statementStart = afterComplete && (frame === undefined || (frame.kind === "{" && region.kind === "body"));
  return {
    prefixStart,
    ...(previous ? { previous } : {}),
    region,
    ...(call ? { call } : {}),
    inList: frame?.kind === "[",
    statementStart,
  };
}

function openCall(frame: CallFrame): OpenCall {
  const currentName = argName(frame.argTokens);
  return {
    callee: frame.callee!.image,
    positional: frame.positional,
    named: frame.named,
    ...(currentName ? { currentName } : {}),
    atArgStart: frame.argTokens.length === 0,
  };
}

/** `stride` of an argument written `stride = ...`. */
function argName(tokens: readonly IToken[]): string | undefined {
  return tokens.length >= 2 && tokens[1]!.tokenType === t.Equals && isName(tokens[0]!) ? tokens[0]!.image : undefined;
}

function curlyFrame(tokens: readonly IToken[], open: number, outer: CurlyFrame | undefined): CurlyFrame {
  // `train Name {` / `predict Name {`
  const keyword = tokens[open - 2]?.tokenType;
  if (!outer && (keyword === t.Train || keyword === t.Predict)) {
    return { kind: "{", region: "config", section: keyword === t.Train ? "train" : "predict", inValue: false };
  }
  // `parallel add {` or `parallel concat(axis = -1) {`: its direct body holds branches.
  let i = open - 1;
  if (tokens[i]?.tokenType === t.RParen) {
    let depth = 0;
    for (; i >= 0; i--) {
      if (tokens[i]!.tokenType === t.RParen) depth++;
      if (tokens[i]!.tokenType === t.LParen && --depth === 0) break;
    }
    i--;
  }
  const isParallel = tokens[i - 1]?.tokenType === t.Parallel && outer?.region === "body";
  return { kind: "{", region: isParallel ? "parallel" : "body", inValue: false };
}

function lastIndexOf(frames: readonly Frame[], kind: Frame["kind"]): number {
  for (let i = frames.length - 1; i >= 0; i--) if (frames[i]!.kind === kind) return i;
  return -1;
}

function isName(token: IToken): boolean {
  return token.tokenType === t.Ident;
}

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}
