// The tree the formatter prints: the AST plus nodes for the bracketed containers the AST does
// not have (bodies, argument and parameter lists), each spanning its brackets, so Prettier
// can attach a comment written inside `{ }` or `( )` to the right container. Built only for
// files without syntax errors, whose brackets are all balanced.
import type { IToken, TokenType } from "chevrotain";
import type * as A from "../syntax/ast.ts";
import type { Span } from "../diagnostics/diagnostic.ts";
import * as t from "../../grammar/tokens.ts";

/** What Prettier adds to a comment when it attaches it. */
export interface AttachedComment extends A.Comment {
  leading?: boolean;
  trailing?: boolean;
  printed?: boolean;
  marker?: string;
}

interface Base {
  readonly span: Span;
  /** Attached by Prettier. */
  comments?: AttachedComment[];
}

export interface PProgram extends Base { kind: "Program"; items: PNode[]; comments: AttachedComment[] }
export interface PDecl extends Base { kind: "Model" | "Block"; name: PLeaf; params?: PParamList; body: PBody }
export interface PParamList extends Base { kind: "ParamList"; params: PParam[] }
export interface PParam extends Base { kind: "ParamDecl"; name: PLeaf; default?: PNode }
export interface PConfig extends Base { kind: "Train" | "Predict"; model: PLeaf; body: PConfigBody }
export interface PConfigBody extends Base { kind: "ConfigBody"; entries: PEntry[] }
export interface PEntry extends Base { kind: "ConfigEntry"; key: PLeaf; value: PNode }
export interface PBody extends Base { kind: "Body"; statements: PNode[] }
export interface PTrailer { label?: PLeaf; assertShape?: PNode }
export interface PInput extends Base { kind: "Input"; name: PLeaf; shape: PNode; dtype?: PLeaf }
export interface PLayer extends Base, PTrailer { kind: "Layer"; callee: PLeaf; args?: PArgList }
export interface PFrom extends Base { kind: "From"; source: PLeaf }
export interface PRepeat extends Base, PTrailer { kind: "Repeat"; count: PNode; index?: PLeaf; body: PBody }
export interface PParallel extends Base, PTrailer { kind: "Parallel"; merge: PLeaf; args?: PArgList; branches: PBranches }
export interface PBranches extends Base { kind: "Branches"; bodies: PBody[] }
/** `else` is a body, or the next `if` of an `else if` chain. */
export interface PIf extends Base, PTrailer { kind: "If"; condition: PNode; then: PBody; else?: PBody | PIf }
export interface POutput extends Base { kind: "Output"; names: PLeaf[] }
export interface PScaling extends Base { kind: "Scaling"; callee: PLeaf; args: PArgList }
export interface PArgList extends Base { kind: "ArgList"; args: PArg[] }
export interface PArg extends Base { kind: "Arg"; name?: PLeaf; value: PNode }
export interface PList extends Base { kind: "List"; elements: PNode[] }
export interface PUnary extends Base { kind: "Unary"; op: A.UnaryOp; operand: PNode }
export interface PBinary extends Base { kind: "Binary"; op: A.BinaryOp; left: PNode; right: PNode }
export interface PCall extends Base { kind: "Call"; callee: PLeaf; args: PArgList }
export interface PParen extends Base { kind: "Paren"; inner: PNode }
/** Names and literals, copied from the AST. */
export type PLeaf = Base & (A.Ident | A.NumberLit | A.KernelLit | A.StringLit | A.BoolLit | A.NameRef | A.ErrorExpr);

export type PNode =
  | PProgram | PDecl | PParamList | PParam | PConfig | PConfigBody | PEntry | PBody | PInput | PLayer | PFrom
  | PRepeat | PParallel | PBranches | PIf | POutput | PScaling | PArgList | PArg | PList | PUnary | PBinary
  | PCall | PParen | PLeaf;

/** The child keys of each kind, for Prettier's comment attachment. */
export const childKeys: Record<PNode["kind"], readonly string[]> = {
  Program: ["items"],
  Model: ["name", "params", "body"],
  Block: ["name", "params", "body"],
  ParamList: ["params"],
  ParamDecl: ["name", "default"],
  Train: ["model", "body"],
  Predict: ["model", "body"],
  ConfigBody: ["entries"],
  ConfigEntry: ["key", "value"],
  Body: ["statements"],
  Input: ["name", "shape", "dtype"],
  Layer: ["callee", "args", "label", "assertShape"],
  From: ["source"],
  Repeat: ["count", "index", "body", "label", "assertShape"],
  Parallel: ["merge", "args", "branches", "label", "assertShape"],
  Branches: ["bodies"],
  If: ["condition", "then", "else", "label", "assertShape"],
  Output: ["names"],
  Scaling: ["callee", "args"],
  ArgList: ["args"],
  Arg: ["name", "value"],
  List: ["elements"],
  Unary: ["operand"],
  Binary: ["left", "right"],
  Call: ["callee", "args"],
  Paren: ["inner"],
  Ident: [],
  Number: [],
  Kernel: [],
  String: [],
  Bool: [],
  Name: [],
  Error: [],
};

const closerOf = new Map<TokenType, TokenType>([
  [t.LCurly, t.RCurly],
  [t.LParen, t.RParen],
]);

export function buildPrintTree(program: A.Program, tokens: readonly IToken[]): PProgram {
  return new TreeBuilder(tokens).program(program);
}

class TreeBuilder {
  constructor(private readonly tokens: readonly IToken[]) {}

  /** Index of the first token at or after `offset`. */
  private tokenAt(offset: number): number {
    let lo = 0;
    let hi = this.tokens.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.tokens[mid]!.startOffset < offset) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private isAt(offset: number, type: TokenType): boolean {
    return this.tokens[this.tokenAt(offset)]?.tokenType === type;
  }

  /** The span of the bracket pair whose opener is the first `open` token at/after `offset`. */
  private bracketed(offset: number, open: TokenType): Span {
    const close = closerOf.get(open)!;
    let i = this.tokenAt(offset);
    while (this.tokens[i]!.tokenType !== open) i++;
    const start = this.tokens[i]!.startOffset;
    let depth = 0;
    for (; ; i++) {
      const type = this.tokens[i]!.tokenType;
      if (type === open) depth++;
      else if (type === close && --depth === 0) return { start, end: this.tokens[i]!.endOffset! + 1 };
    }
  }

  program(p: A.Program): PProgram {
    return { kind: "Program", items: p.items.map((item) => this.statement(item)), comments: p.comments.map((c) => ({ ...c })), span: p.span };
  }

  private leaf(node: A.Ident | A.NumberLit | A.KernelLit | A.StringLit | A.BoolLit | A.NameRef | A.ErrorExpr): PLeaf {
    return { ...node };
  }

  private body(statements: readonly A.Statement[], after: number): PBody {
    return { kind: "Body", statements: statements.map((s) => this.statement(s)), span: this.bracketed(after, t.LCurly) };
  }

  private argList(args: readonly A.Arg[], after: number): PArgList {
    const list = args.map((a): PArg => ({
      kind: "Arg",
      ...(a.name ? { name: this.leaf(a.name) } : {}),
      value: this.expr(a.value),
      span: a.span,
    }));
    return { kind: "ArgList", args: list, span: this.bracketed(after, t.LParen) };
  }

  private trailer(s: A.Trailer): PTrailer {
    return {
      ...(s.label ? { label: this.leaf(s.label) } : {}),
      ...(s.assertShape ? { assertShape: this.expr(s.assertShape) } : {}),
    };
  }

  statement(s: A.Statement | A.TopItem): PNode {
    switch (s.kind) {
      case "Model":
      case "Block": {
        const params: PParamList | undefined = s.hasParens
          ? {
              kind: "ParamList",
              params: s.params.map((p) => ({
                kind: "ParamDecl",
                name: this.leaf(p.name),
                ...(p.default ? { default: this.expr(p.default) } : {}),
                span: p.span,
              })),
              span: this.bracketed(s.name.span.end, t.LParen),
            }
          : undefined;
        // Parameter lists hold no braces: the first `{` after the name opens the body.
        const body = this.body(s.body, s.name.span.end);
        return { kind: s.kind, name: this.leaf(s.name), ...(params ? { params } : {}), body, span: s.span };
      }
      case "Train":
      case "Predict": {
        const entries = s.entries.map((e): PEntry => ({ kind: "ConfigEntry", key: this.leaf(e.key), value: this.expr(e.value), span: e.span }));
        const body: PConfigBody = { kind: "ConfigBody", entries, span: this.bracketed(s.model.span.end, t.LCurly) };
        return { kind: s.kind, model: this.leaf(s.model), body, span: s.span };
      }
      case "Input":
        return {
          kind: "Input",
          name: this.leaf(s.name),
          shape: this.expr(s.shape),
          ...(s.dtype ? { dtype: this.leaf({ kind: "Ident", name: s.dtype.name, span: s.dtype.span }) } : {}),
          span: s.span,
        };
      case "Layer":
        return {
          kind: "Layer",
          callee: this.leaf(s.callee),
          ...(s.hasParens ? { args: this.argList(s.args, s.callee.span.end) } : {}),
          ...this.trailer(s),
          span: s.span,
        };
      case "From":
        return { kind: "From", source: this.leaf(s.source), span: s.span };
      case "Output":
        return { kind: "Output", names: s.names.map((n) => this.leaf(n)), span: s.span };
      case "Scaling":
        return { kind: "Scaling", callee: this.leaf(s.callee), args: this.argList(s.args, s.callee.span.end), span: s.span };
      case "Repeat":
        return {
          kind: "Repeat",
          count: this.expr(s.count),
          ...(s.index ? { index: this.leaf(s.index) } : {}),
          body: this.body(s.body, (s.index ?? s.count).span.end),
          ...this.trailer(s),
          span: s.span,
        };
      case "Parallel": {
        const args = this.isAt(s.merge.span.end, t.LParen) ? this.argList(s.mergeArgs, s.merge.span.end) : undefined;
        const bodies = s.branches.map((b): PBody => ({ kind: "Body", statements: b.body.map((x) => this.statement(x)), span: b.span }));
        const branches: PBranches = { kind: "Branches", bodies, span: this.bracketed((args ?? s.merge).span.end, t.LCurly) };
        return { kind: "Parallel", merge: this.leaf(s.merge), ...(args ? { args } : {}), branches, ...this.trailer(s), span: s.span };
      }
      case "If":
        return this.ifStmt(s);
    }
  }

  private ifStmt(s: A.IfStmt): PIf {
    const then = this.body(s.then, s.condition.span.end);
    let elsePart: PBody | PIf | undefined;
    if (s.else) {
      const elseKeyword = this.tokenAt(then.span.end);
      const nested = s.else[0];
      const isElseIf = this.tokens[elseKeyword + 1]?.tokenType === t.If && nested?.kind === "If" && s.else.length === 1;
      elsePart = isElseIf ? this.ifStmt(nested) : this.body(s.else, then.span.end);
    }
    return {
      kind: "If",
      condition: this.expr(s.condition),
      then,
      ...(elsePart ? { else: elsePart } : {}),
      ...this.trailer(s),
      span: s.span,
    };
  }

  expr(e: A.Expr): PNode {
    switch (e.kind) {
      case "List":
        return { kind: "List", elements: e.elements.map((x) => this.expr(x)), span: e.span };
      case "Unary":
        return { kind: "Unary", op: e.op, operand: this.expr(e.operand), span: e.span };
      case "Binary":
        return { kind: "Binary", op: e.op, left: this.expr(e.left), right: this.expr(e.right), span: e.span };
      case "Call":
        return { kind: "Call", callee: this.leaf(e.callee), args: this.argList(e.args, e.callee.span.end), span: e.span };
      case "Paren":
        return { kind: "Paren", inner: this.expr(e.inner), span: e.span };
      default:
        return this.leaf(e);
    }
  }
}
