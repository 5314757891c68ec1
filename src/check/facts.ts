// Side tables for the editor: what the checker learnt about each statement and each name.
// Keyed by AST node objects; the AST itself is never changed.
import type { Span } from "../diagnostics/diagnostic.ts";
import type { Statement } from "../syntax/ast.ts";

export interface StatementFacts {
  /** Output shape of each expansion of the statement (a block body runs once per call, a
   * repeat body once per iteration); null where the shape is unknown after an error. */
  readonly outputs: (readonly number[] | null)[];
  /** Params and MACs of every graph node the statement produced, over all its expansions. */
  params: number;
  macs: number;
  /** Ids of those nodes, per model graph (`graphs.get(model).nodes[id]`). */
  readonly nodeIds: { readonly model: string; readonly id: number }[];
}

export type SymbolKind = "model" | "block" | "param" | "loop" | "label" | "input";

export interface SymbolInfo {
  readonly kind: SymbolKind;
  readonly name: string;
  /** The name at its declaration (`-> c1`'s `c1`, `block dwsep`'s `dwsep`, `alpha = 1.0`'s `alpha`). */
  readonly declaration: Span;
  /** Every use of the name (deduplicated; a block body expanded twice lists each use once). */
  readonly references: Span[];
}

export interface CheckFacts {
  readonly statements: Map<Statement, StatementFacts>;
  /** Keyed by the declaring AST node (ModelDecl, BlockDecl, ParamDecl, InputStmt, the label's Ident, the repeat's index Ident). */
  readonly symbols: Map<object, SymbolInfo>;
}

export function newFacts(): CheckFacts {
  return { statements: new Map(), symbols: new Map() };
}

export function declareSymbol(facts: CheckFacts, key: object, kind: SymbolKind, name: string, declaration: Span): SymbolInfo {
  let info = facts.symbols.get(key);
  if (!info) {
    info = { kind, name, declaration, references: [] };
    facts.symbols.set(key, info);
  }
  return info;
}

export function addReference(info: SymbolInfo, span: Span): void {
  if (!info.references.some((r) => r.start === span.start && r.end === span.end)) info.references.push(span);
}

/** The symbol whose declaration or a reference covers `offset` (go-to-definition, rename). */
export function symbolAt(facts: CheckFacts, offset: number): SymbolInfo | undefined {
  const inside = (s: Span) => s.start <= offset && offset <= s.end;
  for (const info of facts.symbols.values()) {
    if (inside(info.declaration) || info.references.some(inside)) return info;
  }
  return undefined;
}
