// The one CST→AST visitor: one method per grammar rule (test/syntax/grammar.test.ts checks that
// none is missing). CSTs of recovered parses have holes — any child may be absent and
// tokens inserted by recovery have no offsets — so every method tolerates missing parts:
// a missing expression becomes an ErrorExpr, a missing name an Ident "" (the syntax error
// has already been reported), an empty statement is dropped.
import type { CstNode, CstElement, IToken } from "chevrotain";
import type * as C from "../../grammar/cst-types.ts";
import type * as A from "./ast.ts";
import type { Diagnostic, Span } from "../diagnostics/diagnostic.ts";
import { unescapeString } from "./lex.ts";
import { syntaxError } from "./syntax-error.ts";
import * as t from "../../grammar/tokens.ts";

function isRealToken(token: IToken | undefined): token is IToken {
  return token !== undefined && token.isInsertedInRecovery !== true && Number.isFinite(token.startOffset);
}

function real(tokens: IToken[] | undefined): IToken | undefined {
  const token = tokens?.[0];
  return isRealToken(token) ? token : undefined;
}

function tokenSpan(token: IToken): Span {
  return { start: token.startOffset, end: token.endOffset! + 1 };
}

function isToken(element: CstElement): element is IToken {
  return "image" in element;
}

/** The node's source range, or undefined when recovery left it without any real token. */
function nodeSpan(node: CstNode): Span | undefined {
  const loc = node.location;
  if (loc && Number.isFinite(loc.startOffset) && Number.isFinite(loc.endOffset)) {
    return { start: loc.startOffset, end: loc.endOffset! + 1 };
  }
  let start = Infinity;
  let end = -Infinity;
  for (const children of Object.values(node.children)) {
    for (const child of children) {
      const span = isToken(child) ? (isRealToken(child) ? tokenSpan(child) : undefined) : nodeSpan(child);
      if (span) {
        start = Math.min(start, span.start);
        end = Math.max(end, span.end);
      }
    }
  }
  return start <= end ? { start, end } : undefined;
}

const at = (pos: number): Span => ({ start: pos, end: pos });

export class AstBuilder {
  constructor(private readonly diagnostics: Diagnostic[]) {}

  /** A name; a keyword in its place (the grammar lets it through) is reported here. */
  private ident(tokens: IToken[] | undefined, fallback: number): A.Ident {
    const token = real(tokens);
    if (token && token.tokenType !== t.Ident) {
      const { start, end } = tokenSpan(token);
      this.diagnostics.push(syntaxError("NET1014", `'${token.image}' is a keyword and cannot be used as a name`, start, end));
    }
    return token
      ? { kind: "Ident", name: token.image, span: tokenSpan(token) }
      : { kind: "Ident", name: "", span: at(fallback) };
  }

  private errorExpr(fallback: number): A.ErrorExpr {
    return { kind: "Error", span: at(fallback) };
  }

  /** Start of the last node visited with a real range: where a node that recovery left
   * empty is placed. */
  private cursor = 0;

  private spanOr(node: CstNode): Span {
    const span = nodeSpan(node);
    if (!span) return at(this.cursor);
    this.cursor = Math.max(this.cursor, span.start);
    return span;
  }

  // ---- declarations ---------------------------------------------------------------------

  program(node: C.ProgramCstNode): A.TopItem[] {
    const items: A.TopItem[] = [];
    for (const item of node.children.topItem ?? []) {
      const built = this.topItem(item);
      if (built) items.push(built);
    }
    return items;
  }

  topItem(node: C.TopItemCstNode): A.TopItem | undefined {
    const c = node.children;
    if (c.modelDecl) return this.modelDecl(c.modelDecl[0]!);
    if (c.blockDecl) return this.blockDecl(c.blockDecl[0]!);
    if (c.trainDecl) return this.trainDecl(c.trainDecl[0]!);
    if (c.predictDecl) return this.predictDecl(c.predictDecl[0]!);
    return undefined;
  }

  modelDecl(node: C.ModelDeclCstNode): A.ModelDecl {
    return { kind: "Model", ...this.declParts(node, node.children) };
  }

  blockDecl(node: C.BlockDeclCstNode): A.BlockDecl {
    return { kind: "Block", ...this.declParts(node, node.children) };
  }

  private declParts(node: CstNode, c: C.ModelDeclCstChildren | C.BlockDeclCstChildren) {
    const span = this.spanOr(node);
    const keyword = real("Model" in c ? c.Model : c.Block);
    const paramList = c.paramList?.[0];
    return {
      name: this.ident(c.name, keyword ? keyword.endOffset! + 1 : span.start),
      params: paramList ? this.paramList(paramList) : [],
      hasParens: paramList !== undefined && real(paramList.children.LParen) !== undefined,
      body: c.body?.[0] ? this.body(c.body[0]) : [],
      span,
    };
  }

  paramList(node: C.ParamListCstNode): A.ParamDecl[] {
    return (node.children.param ?? []).map((param) => this.param(param));
  }

  param(node: C.ParamCstNode): A.ParamDecl {
    const c = node.children;
    const span = this.spanOr(node);
    const name = this.ident(c.name, span.start);
    if (!c.Equals) return { kind: "ParamDecl", name, span };
    const value = c.default?.[0];
    return { kind: "ParamDecl", name, default: value ? this.expression(value) : this.errorExpr(span.end), span };
  }

  trainDecl(node: C.TrainDeclCstNode): A.TrainDecl {
    const c = node.children;
    const span = this.spanOr(node);
    const entries = c.configBody?.[0] ? this.configBody(c.configBody[0]) : [];
    return { kind: "Train", model: this.ident(c.model, span.end), entries, span };
  }

  predictDecl(node: C.PredictDeclCstNode): A.PredictDecl {
    const c = node.children;
    const span = this.spanOr(node);
    const entries = c.configBody?.[0] ? this.configBody(c.configBody[0]) : [];
    return { kind: "Predict", model: this.ident(c.model, span.end), entries, span };
  }

  configBody(node: C.ConfigBodyCstNode): A.ConfigEntry[] {
    return (node.children.configEntry ?? []).map((entry) => this.configEntry(entry));
  }

  configEntry(node: C.ConfigEntryCstNode): A.ConfigEntry {
    const c = node.children;
    const span = this.spanOr(node);
    const value = c.value?.[0];
    return {
      kind: "ConfigEntry",
      key: this.ident(c.key, span.start),
      value: value ? this.expression(value) : this.errorExpr(span.end),
      span,
    };
  }

  // ---- statements -----------------------------------------------------------------------

  body(node: C.BodyCstNode): A.Statement[] {
    const statements: A.Statement[] = [];
    for (const statement of node.children.statement ?? []) {
      const built = this.statement(statement);
      if (built) statements.push(built);
    }
    return statements;
  }

  statement(node: C.StatementCstNode): A.Statement | undefined {
    const c = node.children;
    if (nodeSpan(node) === undefined) return undefined; // recovery left nothing of it
    if (c.inputStmt) return this.inputStmt(c.inputStmt[0]!);
    if (c.layerStmt) return this.layerStmt(c.layerStmt[0]!);
    if (c.fromStmt) return this.fromStmt(c.fromStmt[0]!);
    if (c.repeatStmt) return this.repeatStmt(c.repeatStmt[0]!);
    if (c.parallelStmt) return this.parallelStmt(c.parallelStmt[0]!);
    if (c.ifStmt) return this.ifStmt(c.ifStmt[0]!);
    if (c.outputStmt) return this.outputStmt(c.outputStmt[0]!);
    if (c.scalingStmt) return this.scalingStmt(c.scalingStmt[0]!);
    if (c.blockDecl) return this.blockDecl(c.blockDecl[0]!);
    return undefined;
  }

  inputStmt(node: C.InputStmtCstNode): A.InputStmt {
    const c = node.children;
    const span = this.spanOr(node);
    const shape = this.shape(c.shape?.[0]) ?? { kind: "List", elements: [this.errorExpr(span.end)], span: at(span.end) };
    const dtypeToken = c.dtype?.[0];
    const dtype =
      dtypeToken && isRealToken(dtypeToken) && t.isDtypeWord(dtypeToken.image)
        ? { dtype: { name: dtypeToken.image, span: tokenSpan(dtypeToken) } }
        : {};
    return { kind: "Input", name: this.ident(c.name, span.end), shape, ...dtype, span };
  }

  layerStmt(node: C.LayerStmtCstNode): A.LayerStmt {
    const c = node.children;
    const span = this.spanOr(node);
    const argList = c.argList?.[0];
    return {
      kind: "Layer",
      callee: this.ident(c.callee, span.start),
      args: argList ? this.argList(argList) : [],
      hasParens: argList !== undefined && real(argList.children.LParen) !== undefined,
      ...this.trailerOf(c.trailer),
      span,
    };
  }

  private trailerOf(nodes: C.TrailerCstNode[] | undefined): A.Trailer {
    return nodes?.[0] ? this.trailer(nodes[0]) : {};
  }

  /** Both trailers at most once each; a repeated one is reported and ignored. */
  trailer(node: C.TrailerCstNode): A.Trailer {
    const c = node.children;
    const labels = c.labelTrailer ?? [];
    const shapes = c.shapeTrailer ?? [];
    for (const extra of labels.slice(1)) this.reportDuplicate(extra, "label");
    for (const extra of shapes.slice(1)) this.reportDuplicate(extra, "shape assertion");
    const label = labels[0] ? this.labelTrailer(labels[0]) : undefined;
    const assertShape = shapes[0] ? this.shapeTrailer(shapes[0]) : undefined;
    return { ...(label ? { label } : {}), ...(assertShape ? { assertShape } : {}) };
  }

  private reportDuplicate(node: CstNode, what: string): void {
    const span = nodeSpan(node);
    if (span) this.diagnostics.push(syntaxError("NET1013", `a statement can have only one ${what}; remove this one`, span.start, span.end));
  }

  labelTrailer(node: C.LabelTrailerCstNode): A.Ident | undefined {
    const label = real(node.children.label);
    return label ? this.ident(node.children.label, 0) : undefined;
  }

  shapeTrailer(node: C.ShapeTrailerCstNode): A.ListExpr | undefined {
    return this.shape(node.children.shape?.[0]);
  }

  /** A shape must be a list literal; anything else is reported and stands as [<error>]. */
  private shape(node: C.ExpressionCstNode | undefined): A.ListExpr | undefined {
    if (!node) return undefined;
    const expr = this.expression(node);
    if (expr.kind === "List") return expr;
    if (expr.kind !== "Error") {
      const { start, end } = expr.span;
      this.diagnostics.push(syntaxError("NET1015", "expected a shape list such as [28, 28, 1]", start, end));
    }
    return { kind: "List", elements: [{ kind: "Error", span: expr.span }], span: expr.span };
  }

  fromStmt(node: C.FromStmtCstNode): A.FromStmt {
    const span = this.spanOr(node);
    return { kind: "From", source: this.ident(node.children.source, span.end), span };
  }

  repeatStmt(node: C.RepeatStmtCstNode): A.RepeatStmt {
    const c = node.children;
    const span = this.spanOr(node);
    const count = c.count?.[0];
    return {
      kind: "Repeat",
      count: count ? this.expression(count) : this.errorExpr(span.end),
      ...(c.As ? { index: this.ident(c.index, span.end) } : {}),
      body: c.body?.[0] ? this.body(c.body[0]) : [],
      ...this.trailerOf(c.trailer),
      span,
    };
  }

  parallelStmt(node: C.ParallelStmtCstNode): A.ParallelStmt {
    const c = node.children;
    const span = this.spanOr(node);
    const argList = c.argList?.[0];
    const branches = (c.branch ?? []).map(
      (branch): A.Branch => ({ kind: "Branch", body: this.body(branch), span: this.spanOr(branch) }),
    );
    return {
      kind: "Parallel",
      merge: this.ident(c.merge, span.end),
      mergeArgs: argList ? this.argList(argList) : [],
      branches,
      ...this.trailerOf(c.trailer),
      span,
    };
  }

  /** The flat chain `if a {} else if b {} else {}` becomes nested IfStmts; the trailer
   * belongs to the outermost one. */
  ifStmt(node: C.IfStmtCstNode): A.IfStmt {
    const c = node.children;
    const span = this.spanOr(node);
    const elseIfs = c.elseIf ?? [];
    const elseNode = c.else?.[0];
    let elseBody: A.Statement[] | undefined = elseNode ? this.body(elseNode) : undefined;
    const chainEnd = (elseNode && nodeSpan(elseNode)?.end) ?? (elseIfs.length > 0 ? nodeSpan(elseIfs.at(-1)!)?.end : undefined);
    for (let k = elseIfs.length - 1; k >= 0; k--) {
      elseBody = [this.elseIf(elseIfs[k]!, elseBody, chainEnd ?? span.end)];
    }
    const condition = c.condition?.[0];
    return {
      kind: "If",
      condition: condition ? this.expression(condition) : this.errorExpr(span.end),
      then: c.then?.[0] ? this.body(c.then[0]) : [],
      ...(elseBody ? { else: elseBody } : {}),
      ...this.trailerOf(c.trailer),
      span,
    };
  }

  /** `else if cond { }` with the rest of the chain as its else-body; spans from `if`. */
  elseIf(node: C.ElseIfCstNode, elseBody: A.Statement[] | undefined, chainEnd: number): A.IfStmt {
    const c = node.children;
    const own = this.spanOr(node);
    const ifToken = real(c.If);
    const span = { start: ifToken ? ifToken.startOffset : own.start, end: Math.max(own.end, chainEnd) };
    const condition = c.condition?.[0];
    return {
      kind: "If",
      condition: condition ? this.expression(condition) : this.errorExpr(own.end),
      then: c.then?.[0] ? this.body(c.then[0]) : [],
      ...(elseBody ? { else: elseBody } : {}),
      span,
    };
  }

  outputStmt(node: C.OutputStmtCstNode): A.OutputStmt {
    const span = this.spanOr(node);
    const names = (node.children.names ?? []).filter(isRealToken).map((name) => this.ident([name], 0));
    return { kind: "Output", names, span };
  }

  scalingStmt(node: C.ScalingStmtCstNode): A.ScalingStmt {
    const c = node.children;
    const span = this.spanOr(node);
    const argList = c.argList?.[0];
    return { kind: "Scaling", callee: this.ident(c.callee, span.end), args: argList ? this.argList(argList) : [], span };
  }

  // ---- arguments and expressions --------------------------------------------------------

  argList(node: C.ArgListCstNode): A.Arg[] {
    return (node.children.arg ?? []).map((arg) => this.arg(arg));
  }

  arg(node: C.ArgCstNode): A.Arg {
    const c = node.children;
    const span = this.spanOr(node);
    const value = c.value?.[0] ? this.expression(c.value[0]) : this.errorExpr(span.end);
    if (!c.Equals) return { kind: "Arg", value, span };
    return { kind: "Arg", name: this.ident(c.name, span.start), value, span };
  }

  expression(node: C.ExpressionCstNode): A.Expr {
    return this.leftAssoc(node, node.children.operands, node.children.operators, (n) => this.andExpr(n));
  }

  andExpr(node: C.AndExprCstNode): A.Expr {
    return this.leftAssoc(node, node.children.operands, node.children.operators, (n) => this.notExpr(n));
  }

  notExpr(node: C.NotExprCstNode): A.Expr {
    const c = node.children;
    const span = this.spanOr(node);
    if (c.comparison?.[0]) return this.comparison(c.comparison[0]);
    if (!real(c.Not)) return this.errorExpr(span.start);
    const operand = c.operand?.[0] ? this.notExpr(c.operand[0]) : this.errorExpr(span.end);
    return { kind: "Unary", op: "not", operand, span };
  }

  comparison(node: C.ComparisonCstNode): A.Expr {
    return this.leftAssoc(node, node.children.operands, node.children.operators, (n) => this.additive(n));
  }

  additive(node: C.AdditiveCstNode): A.Expr {
    return this.leftAssoc(node, node.children.operands, node.children.operators, (n) => this.multiplicative(n));
  }

  multiplicative(node: C.MultiplicativeCstNode): A.Expr {
    return this.leftAssoc(node, node.children.operands, node.children.operators, (n) => this.unary(n));
  }

  /** Folds `a op b op c` into ((a op b) op c); operands lost to recovery become ErrorExprs. */
  private leftAssoc<N extends CstNode>(
    node: CstNode,
    operands: N[] | undefined,
    operators: IToken[] | undefined,
    build: (operand: N) => A.Expr,
  ): A.Expr {
    const span = this.spanOr(node);
    const first = operands?.[0];
    let result = first ? build(first) : this.errorExpr(span.start);
    for (const [i, operator] of (operators ?? []).entries()) {
      if (!isRealToken(operator)) break;
      const operand = operands?.[i + 1];
      const right = operand ? build(operand) : this.errorExpr(operator.endOffset! + 1);
      result = {
        kind: "Binary",
        op: operator.image as A.BinaryOp,
        left: result,
        right,
        span: { start: result.span.start, end: Math.max(right.span.end, operator.endOffset! + 1) },
      };
    }
    return result;
  }

  unary(node: C.UnaryCstNode): A.Expr {
    const c = node.children;
    const span = this.spanOr(node);
    if (c.power?.[0]) return this.power(c.power[0]);
    const sign = real(c.sign);
    if (!sign) return this.errorExpr(span.start);
    const operand = c.operand?.[0] ? this.unary(c.operand[0]) : this.errorExpr(span.end);
    return { kind: "Unary", op: sign.image as A.UnaryOp, operand, span };
  }

  power(node: C.PowerCstNode): A.Expr {
    const c = node.children;
    const span = this.spanOr(node);
    const base = c.base?.[0] ? this.primary(c.base[0]) : this.errorExpr(span.start);
    if (!c.Power) return base;
    const exponent = c.exponent?.[0] ? this.unary(c.exponent[0]) : this.errorExpr(span.end);
    return { kind: "Binary", op: "**", left: base, right: exponent, span };
  }

  primary(node: C.PrimaryCstNode): A.Expr {
    const c = node.children;
    const span = this.spanOr(node);
    const number = real(c.NumberLiteral);
    if (number) return { kind: "Number", value: Number(number.image), raw: number.image, span };
    const kernel = real(c.Kernel);
    if (kernel) {
      const [h, w] = kernel.image.split("x").map(Number);
      return { kind: "Kernel", h: h!, w: w!, raw: kernel.image, span };
    }
    const string = real(c.StringLiteral);
    if (string) return { kind: "String", value: unescapeString(string, this.diagnostics), raw: string.image, span };
    if (real(c.True)) return { kind: "Bool", value: true, span };
    if (real(c.False)) return { kind: "Bool", value: false, span };
    if (c.list?.[0]) return this.list(c.list[0]);
    if (c.nameOrCall?.[0]) return this.nameOrCall(c.nameOrCall[0]);
    if (c.parenExpr?.[0]) return this.parenExpr(c.parenExpr[0]);
    return this.errorExpr(span.start);
  }

  list(node: C.ListCstNode): A.ListExpr {
    const span = this.spanOr(node);
    return { kind: "List", elements: (node.children.elements ?? []).map((e) => this.expression(e)), span };
  }

  nameOrCall(node: C.NameOrCallCstNode): A.Expr {
    const c = node.children;
    const span = this.spanOr(node);
    const name = this.ident(c.name, span.start);
    const argList = c.argList?.[0];
    if (!argList) return { kind: "Name", name: name.name, span };
    return { kind: "Call", callee: name, args: this.argList(argList), span };
  }

  parenExpr(node: C.ParenExprCstNode): A.Expr {
    const span = this.spanOr(node);
    const inner = node.children.inner?.[0];
    return { kind: "Paren", inner: inner ? this.expression(inner) : this.errorExpr(span.end), span };
  }
}
