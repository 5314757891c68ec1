// Inlay hints: each statement's output shape after it (`112×112×32`), where the shape is not
// already written as a `: [...]` assertion.
import { InlayHintKind, type InlayHint, type Range } from "vscode-languageserver";
import type { Statement } from "../syntax/ast.ts";
import type { Analysis } from "./analysis.ts";
import { statementsOf } from "./ast-walk.ts";
import { distinctShapes, factsOf, shapeText } from "./facts.ts";

/** More distinct shapes than this (a block called many times) show as first … last. */
const MAX_SHAPES = 3;

export function inlayHints(a: Analysis, range: Range): InlayHint[] {
  const { start, end } = a.lines.spanOf(range);
  const hints: InlayHint[] = [];
  const visit = (body: readonly Statement[]): void => {
    for (const s of statementsOf(body)) {
      if (s.kind === "Block") visit(s.body);
      else if (s.span.end >= start && s.span.end <= end) {
        const label = hintLabel(a, s);
        if (label)
          hints.push({ position: a.lines.positionAt(s.span.end), label, kind: InlayHintKind.Type, paddingLeft: true });
      }
    }
  };
  for (const item of a.program.items) if (item.kind === "Model" || item.kind === "Block") visit(item.body);
  return hints;
}

function hintLabel(a: Analysis, s: Statement): string | undefined {
  // Statements that make a new tensor (an input's shape is already written); repeat, if and
  // parallel hint their result at their closing brace.
  if (s.kind !== "Layer" && s.kind !== "Repeat" && s.kind !== "Parallel" && s.kind !== "If") return undefined;
  if (s.assertShape) return undefined;
  const facts = factsOf(a, s);
  const shapes = facts ? distinctShapes(facts).map(shapeText) : [];
  if (shapes.length === 0) return undefined;
  if (shapes.length <= MAX_SHAPES) return shapes.join(" | ");
  return `${shapes[0]} … ${shapes[shapes.length - 1]} (${shapes.length} shapes)`;
}
