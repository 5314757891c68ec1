// Reading the checker's side tables for the editor: output shapes, params and MACs of a
// statement, and how to show them.
import type { StatementFacts } from "../check/index.ts";
import type { Graph, GraphNode } from "../ir/graph.ts";
import type { Statement } from "../syntax/ast.ts";
import type { Analysis } from "./analysis.ts";

export function factsOf(a: Analysis, statement: Statement): StatementFacts | undefined {
  return a.checked?.facts.statements.get(statement);
}

/** `112×112×32`; a rank-1 shape is its length. */
export function shapeText(shape: readonly number[]): string {
  return shape.join("×");
}

/** The distinct known output shapes of a statement over its expansions, in order. */
export function distinctShapes(facts: StatementFacts): (readonly number[])[] {
  const seen = new Set<string>();
  const shapes: (readonly number[])[] = [];
  for (const shape of facts.outputs) {
    if (!shape) continue;
    const key = shape.join(",");
    if (!seen.has(key)) shapes.push(shape);
    seen.add(key);
  }
  return shapes;
}

/** `21,780,000` */
export function count(n: number): string {
  return n.toLocaleString("en-US");
}

/** `1.2 MB`-style sizes in binary units (KiB, MiB, GiB). */
export function bytes(n: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${n} B` : `${value.toFixed(value >= 100 ? 0 : value >= 10 ? 1 : 2)} ${units[unit]}`;
}

/** The graph nodes a statement produced, where its model checked without errors. */
export function nodesOf(a: Analysis, facts: StatementFacts): GraphNode[] {
  const nodes: GraphNode[] = [];
  for (const { model, id } of facts.nodeIds) {
    const node = a.checked?.graphs.get(model)?.nodes[id];
    if (node) nodes.push(node);
  }
  return nodes;
}

export function graphOf(a: Analysis, model: string): Graph | undefined {
  return a.checked?.graphs.get(model);
}
