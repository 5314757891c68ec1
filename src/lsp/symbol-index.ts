// Name binding for editor features: every declaration (model, block, parameter, loop variable,
// input, label) and every reference to one, resolved by the language's lexical scopes. Built
// from the AST alone, so definitions, references and renames work even when checking fails.
import type {
  Arg,
  BlockDecl,
  Expr,
  Ident,
  ModelDecl,
  ParamDecl,
  Program,
  RepeatStmt,
  Statement,
} from "../syntax/ast.ts";
import type { Span } from "../diagnostics/diagnostic.ts";
import { childExprs, contains, expressionsOf, statementsOf, type Unit } from "./ast-walk.ts";

export type SymbolKind = "model" | "block" | "param" | "loop" | "input" | "label";

export interface NetSymbol {
  readonly kind: SymbolKind;
  readonly name: string;
  /** The declaring name. */
  readonly nameSpan: Span;
  /** The whole declaration (statement, parameter or declaration). */
  readonly declSpan: Span;
  /** The declaring AST node: a model, block, ParamDecl, RepeatStmt (loops), InputStmt, or the
   * statement whose `-> label` declares a label. */
  readonly node: DeclNode;
  /** The model or block that declares it; absent for top-level models and blocks. */
  readonly unit?: Unit;
}

export type DeclNode = ModelDecl | BlockDecl | ParamDecl | Statement;

export interface SymbolRef {
  readonly span: Span;
  readonly symbol: NetSymbol;
  readonly isDeclaration: boolean;
}

/** What is visible at an offset: for completion. */
export interface VisibleNames {
  readonly labels: readonly NetSymbol[];
  /** Parameters and loop variables, innermost first (shadowed ones left out). */
  readonly values: readonly NetSymbol[];
  readonly blocks: readonly NetSymbol[];
}

interface Scope {
  readonly parent?: Scope;
  readonly unit?: Unit;
  readonly params: Map<string, NetSymbol>;
  readonly labels: Map<string, NetSymbol>;
  readonly blocks: Map<string, NetSymbol>;
}

export class SymbolIndex {
  readonly symbols: NetSymbol[] = [];
  readonly refs: SymbolRef[] = [];
  readonly models = new Map<string, NetSymbol>();
  private readonly scopes: { scope: Scope; span: Span }[] = [];
  private readonly blockDecls = new Map<NetSymbol, BlockDecl>();
  /** Named arguments of block calls, resolved once every block's parameters are known. */
  private readonly namedArgs: { block: NetSymbol; name: Ident }[] = [];
  private readonly loops: { symbol: NetSymbol; body: Span }[] = [];
  private readonly top: Scope = { params: new Map(), labels: new Map(), blocks: new Map() };

  constructor(program: Program) {
    for (const item of program.items) {
      if (item.kind === "Model") this.declareIn(this.models, "model", item.name, item);
      if (item.kind === "Block") this.declareBlock(item, this.top);
    }
    for (const item of program.items) {
      if (item.kind === "Model" || item.kind === "Block") this.bindUnit(item, this.top);
      else this.refer(this.models.get(item.model.name), item.model.span);
    }
    for (const { block, name } of this.namedArgs) {
      const decl = this.blockDecls.get(block);
      const param = decl && this.scopes.find((s) => s.scope.unit === decl)?.scope.params.get(name.name);
      this.refer(param, name.span);
    }
    this.refs.sort((a, b) => a.span.start - b.span.start);
  }

  /** The reference or declaration whose name touches the offset (the cursor may sit at its end). */
  at(offset: number): SymbolRef | undefined {
    return this.refs.find((r) => contains(r.span, offset));
  }

  refsOf(symbol: NetSymbol): SymbolRef[] {
    return this.refs.filter((r) => r.symbol === symbol);
  }

  visibleAt(offset: number): VisibleNames {
    const innermost = this.scopes
      .filter((s) => contains(s.span, offset))
      .sort((a, b) => b.span.start - a.span.start)[0];
    const seen = new Set<string>();
    const values: NetSymbol[] = [];
    const add = (symbol: NetSymbol): void => {
      if (!seen.has(symbol.name)) values.push(symbol);
      seen.add(symbol.name);
    };
    const loops = this.loops.filter((l) => contains(l.body, offset) && l.symbol.unit === innermost?.scope.unit);
    for (const loop of loops.reverse()) add(loop.symbol);
    const blocks = new Map<string, NetSymbol>();
    for (let scope: Scope | undefined = innermost?.scope ?? this.top; scope; scope = scope.parent) {
      for (const param of scope.params.values()) add(param);
      for (const [name, block] of scope.blocks) if (!blocks.has(name)) blocks.set(name, block);
    }
    return {
      labels: [...(innermost?.scope.labels.values() ?? [])],
      values,
      blocks: [...blocks.values()],
    };
  }

  private declareBlock(block: BlockDecl, scope: Scope): void {
    const symbol = this.declareIn(scope.blocks, "block", block.name, block, scope.unit);
    if (symbol && !this.blockDecls.has(symbol)) this.blockDecls.set(symbol, block);
  }

  private declareIn(
    map: Map<string, NetSymbol>,
    kind: SymbolKind,
    name: Ident,
    node: DeclNode,
    unit?: Unit,
  ): NetSymbol | undefined {
    if (name.name === "") return undefined;
    const existing = map.get(name.name);
    // A repeated declaration (an error the checker reports) joins the first, so a rename
    // changes every occurrence.
    const symbol = existing ?? {
      kind,
      name: name.name,
      nameSpan: name.span,
      declSpan: node.span,
      node,
      ...(unit ? { unit } : {}),
    };
    if (!existing) {
      map.set(name.name, symbol);
      this.symbols.push(symbol);
    }
    this.refs.push({ span: name.span, symbol, isDeclaration: true });
    return symbol;
  }

  private refer(symbol: NetSymbol | undefined, span: Span): void {
    if (symbol) this.refs.push({ span, symbol, isDeclaration: false });
  }

  private bindUnit(unit: Unit, parent: Scope): void {
    const scope: Scope = { parent, unit, params: new Map(), labels: new Map(), blocks: new Map() };
    this.scopes.push({ scope, span: unit.span });
    for (const param of unit.params) this.declareIn(scope.params, "param", param.name, param, unit);
    const statements = [...statementsOf(unit.body)];
    for (const s of statements) {
      if (s.kind === "Block") this.declareBlock(s, scope);
      if (s.kind === "Input") this.declareIn(scope.labels, "input", s.name, s, unit);
      if ("label" in s && s.label) this.declareIn(scope.labels, "label", s.label, s, unit);
    }
    for (const param of unit.params) if (param.default) this.bindExpr(param.default, parent, []);
    this.bindBody(unit.body, scope, []);
  }

  private bindBody(body: readonly Statement[], scope: Scope, loops: readonly NetSymbol[]): void {
    for (const s of body) {
      if (s.kind === "Block") {
        this.bindUnit(s, scope);
        continue;
      }
      for (const expr of expressionsOf(s)) this.bindExpr(expr, scope, loops);
      switch (s.kind) {
        case "Layer":
          this.bindCall(s.callee, s.args, scope);
          break;
        case "From":
          this.refer(this.lookupValue(s.source.name, scope, loops), s.source.span);
          break;
        case "Output":
          for (const name of s.names) this.refer(this.lookupValue(name.name, scope, loops), name.span);
          break;
        case "Repeat":
          this.bindBody(s.body, scope, this.loopScope(s, scope, loops));
          break;
        case "Parallel":
          for (const branch of s.branches) this.bindBody(branch.body, scope, loops);
          break;
        case "If":
          this.bindBody(s.then, scope, loops);
          if (s.else) this.bindBody(s.else, scope, loops);
          break;
        default:
          break;
      }
    }
  }

  private loopScope(s: RepeatStmt, scope: Scope, loops: readonly NetSymbol[]): readonly NetSymbol[] {
    if (!s.index || s.index.name === "") return loops;
    const symbol: NetSymbol = {
      kind: "loop",
      name: s.index.name,
      nameSpan: s.index.span,
      declSpan: s.span,
      node: s,
      ...(scope.unit ? { unit: scope.unit } : {}),
    };
    this.symbols.push(symbol);
    this.refs.push({ span: s.index.span, symbol, isDeclaration: true });
    this.loops.push({ symbol, body: s.span });
    return [symbol, ...loops];
  }

  /** A layer's callee names a block or an op; a block call's named arguments name its params. */
  private bindCall(callee: Ident, args: readonly Arg[], scope: Scope): void {
    const block = this.lookupBlock(callee.name, scope);
    if (!block) return;
    this.refer(block, callee.span);
    for (const arg of args) if (arg.name) this.namedArgs.push({ block, name: arg.name });
  }

  /** The declaration of a block symbol. */
  blockDecl(block: NetSymbol): BlockDecl | undefined {
    return this.blockDecls.get(block);
  }

  private bindExpr(expr: Expr, scope: Scope, loops: readonly NetSymbol[]): void {
    if (expr.kind === "Name") this.refer(this.lookupValue(expr.name, scope, loops), expr.span);
    for (const child of childExprs(expr)) this.bindExpr(child, scope, loops);
  }

  /** Loop variables, then the unit's params and labels, then the params of enclosing units. */
  private lookupValue(name: string, scope: Scope, loops: readonly NetSymbol[]): NetSymbol | undefined {
    const loop = loops.find((l) => l.name === name);
    if (loop) return loop;
    const local = scope.params.get(name) ?? scope.labels.get(name);
    if (local) return local;
    for (let outer = scope.parent; outer; outer = outer.parent) {
      const param = outer.params.get(name);
      if (param) return param;
    }
    return undefined;
  }

  private lookupBlock(name: string, scope: Scope): NetSymbol | undefined {
    for (let s: Scope | undefined = scope; s; s = s.parent) {
      const block = s.blocks.get(name);
      if (block) return block;
    }
    return undefined;
  }
}
