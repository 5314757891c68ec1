// The outline: models and blocks with their inputs, labels and nested blocks; train and
// predict sections with their keys.
import { SymbolKind, type DocumentSymbol } from "vscode-languageserver";
import type { ConfigEntry, Statement } from "../syntax/ast.ts";
import type { Span } from "../diagnostics/diagnostic.ts";
import type { Analysis } from "./analysis.ts";
import { statementsOf, type Unit } from "./ast-walk.ts";

export function documentSymbols(a: Analysis): DocumentSymbol[] {
  const symbol = (
    name: string,
    kind: SymbolKind,
    span: Span,
    nameSpan: Span,
    children?: DocumentSymbol[],
    detail?: string,
  ): DocumentSymbol => ({
    name: name === "" ? "(unnamed)" : name,
    kind,
    range: a.lines.range(span),
    // The selection range must lie inside the range; recovery can leave an empty name anywhere.
    selectionRange: a.lines.range(nameSpan.start >= span.start && nameSpan.end <= span.end ? nameSpan : span),
    ...(children ? { children } : {}),
    ...(detail ? { detail } : {}),
  });

  const unitChildren = (unit: Unit): DocumentSymbol[] => {
    const children: DocumentSymbol[] = [];
    for (const s of statementsOf(unit.body) as Iterable<Statement>) {
      if (s.kind === "Input")
        children.push(symbol(s.name.name, SymbolKind.Variable, s.span, s.name.span, undefined, "input"));
      else if (s.kind === "Block") children.push(unitSymbol(s));
      else if ("label" in s && s.label)
        children.push(symbol(s.label.name, SymbolKind.Variable, s.span, s.label.span, undefined, "label"));
    }
    return children;
  };
  const unitSymbol = (unit: Unit): DocumentSymbol =>
    symbol(
      unit.name.name,
      unit.kind === "Model" ? SymbolKind.Class : SymbolKind.Function,
      unit.span,
      unit.name.span,
      unitChildren(unit),
      unit.kind === "Model" ? "model" : "block",
    );
  const entries = (list: readonly ConfigEntry[]): DocumentSymbol[] =>
    list.map((e) => symbol(e.key.name, SymbolKind.Property, e.span, e.key.span));

  return a.program.items.map((item) => {
    if (item.kind === "Model" || item.kind === "Block") return unitSymbol(item);
    const word = item.kind === "Train" ? "train" : "predict";
    return symbol(
      `${word} ${item.model.name}`,
      SymbolKind.Namespace,
      item.span,
      item.model.span,
      entries(item.entries),
      word,
    );
  });
}
