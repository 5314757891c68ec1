// Small AST traversal helpers shared by the LSP features.
import type { Arg, BlockDecl, Expr, LayerStmt, ModelDecl, Program, Statement } from "../syntax/ast.ts";
import type { Span } from "../diagnostics/diagnostic.ts";

/** A model or a block: the units that own parameters, labels and nested blocks. */
export type Unit = ModelDecl | BlockDecl;

/** The statement lists nested directly in a statement, in source order. A nested block
 * declaration is a unit of its own and is not descended into. */
export function nestedBodies(statement: Statement): readonly (readonly Statement[])[] {
  switch (statement.kind) {
    case "Repeat":
      return [statement.body];
    case "Parallel":
      return statement.branches.map((branch) => branch.body);
    case "If":
      return statement.else ? [statement.then, statement.else] : [statement.then];
    default:
      return [];
  }
}

/** Every statement of a unit's body, nested ones included, in source order; not those of
 * nested block declarations (the BlockDecl statement itself is visited). */
export function* statementsOf(body: readonly Statement[]): Generator<Statement> {
  for (const statement of body) {
    yield statement;
    for (const nested of nestedBodies(statement)) yield* statementsOf(nested);
  }
}

/** Every op or block call of the file, in models and blocks at any depth. */
export function* layerStatements(program: Program): Generator<LayerStmt> {
  const visit = function* (body: readonly Statement[]): Generator<LayerStmt> {
    for (const s of statementsOf(body)) {
      if (s.kind === "Layer") yield s;
      if (s.kind === "Block") yield* visit(s.body);
    }
  };
  for (const item of program.items) if (item.kind === "Model" || item.kind === "Block") yield* visit(item.body);
}

/** The expressions written directly in a statement (not in nested statements). */
export function expressionsOf(statement: Statement): readonly Expr[] {
  switch (statement.kind) {
    case "Input":
      return [statement.shape];
    case "Layer":
    case "Scaling":
      return [...statement.args.map((a) => a.value), ...trailerShape(statement)];
    case "Repeat":
      return [statement.count, ...trailerShape(statement)];
    case "Parallel":
      return [...statement.mergeArgs.map((a) => a.value), ...trailerShape(statement)];
    case "If":
      return [statement.condition, ...trailerShape(statement)];
    default:
      return [];
  }
}

function trailerShape(statement: Statement): readonly Expr[] {
  return "assertShape" in statement && statement.assertShape ? [statement.assertShape] : [];
}

/** Sub-expressions of an expression. */
export function childExprs(expr: Expr): readonly Expr[] {
  switch (expr.kind) {
    case "List":
      return expr.elements;
    case "Unary":
      return [expr.operand];
    case "Binary":
      return [expr.left, expr.right];
    case "Call":
      return expr.args.map((a: Arg) => a.value);
    case "Paren":
      return [expr.inner];
    default:
      return [];
  }
}

export function contains(span: Span, offset: number): boolean {
  return span.start <= offset && offset <= span.end;
}
