// Go to definition, find references, rename: all answered from the symbol index.
import {
  DocumentHighlightKind,
  type DocumentHighlight,
  type Location,
  type Range,
  type WorkspaceEdit,
} from "vscode-languageserver";
import type { Span } from "../diagnostics/diagnostic.ts";
import type { LayerStmt } from "../syntax/ast.ts";
import type { Analysis } from "./analysis.ts";
import { contains, layerStatements } from "./ast-walk.ts";
import type { NetSymbol } from "./symbol-index.ts";

const identifier = /^[A-Za-z_][A-Za-z0-9_]*$/;
const keywords = new Set(
  "model block train predict input repeat parallel from output scaling as if else and or not true false".split(" "),
);

function symbolAt(a: Analysis, offset: number): NetSymbol | undefined {
  return a.symbols.at(offset)?.symbol;
}

export function definition(a: Analysis, uri: string, offset: number): Location | null {
  const symbol = symbolAt(a, offset);
  if (symbol) return { uri, range: a.lines.range(symbol.nameSpan) };
  const layer = tiedLayerAt(a, offset);
  return layer ? { uri, range: a.lines.range(layer) } : null;
}

/** `tie = "wte"` under the cursor: the span of the `name = "wte"` it names, if written. */
function tiedLayerAt(a: Analysis, offset: number): Span | undefined {
  const layers = [...layerStatements(a.program)];
  const tie = layers
    .flatMap((s) => s.args)
    .find((arg) => arg.name?.name === "tie" && arg.value.kind === "String" && contains(arg.value.span, offset))?.value;
  if (tie?.kind !== "String") return undefined;
  const named = (s: LayerStmt) => s.args.find((arg) => arg.name?.name === "name" && arg.value.kind === "String" && arg.value.value === tie.value);
  return layers.map(named).find((arg) => arg !== undefined)?.value.span;
}


export function references(a: Analysis, uri: string, offset: number, includeDeclaration: boolean): Location[] {
  const symbol = symbolAt(a, offset);
  if (!symbol) return [];
  return a.symbols
    .refsOf(symbol)
    .filter((r) => includeDeclaration || !r.isDeclaration)
    .map((r) => ({ uri, range: a.lines.range(r.span) }));
}

/** Every occurrence of the name under the cursor; the declaration counts as a write. */
export function highlights(a: Analysis, offset: number): DocumentHighlight[] {
  const symbol = symbolAt(a, offset);
  if (!symbol) return [];
  return a.symbols.refsOf(symbol).map((r) => ({
    range: a.lines.range(r.span),
    kind: r.isDeclaration ? DocumentHighlightKind.Write : DocumentHighlightKind.Read,
  }));
}

/** The range of the renamable name under the cursor, or null (ops, option words, keywords). */
export function prepareRename(a: Analysis, offset: number): { range: Range; placeholder: string } | null {
  const ref = a.symbols.at(offset);
  if (!ref) return null;
  return { range: a.lines.range(ref.span), placeholder: ref.symbol.name };
}

export type RenameResult = { edit: WorkspaceEdit } | { error: string };

export function rename(a: Analysis, uri: string, offset: number, newName: string): RenameResult | null {
  const symbol = symbolAt(a, offset);
  if (!symbol) return null;
  if (!identifier.test(newName)) return { error: `'${newName}' is not a valid name` };
  if (keywords.has(newName)) return { error: `'${newName}' is a keyword` };
  const edits = a.symbols.refsOf(symbol).map((r) => ({ range: a.lines.range(r.span), newText: newName }));
  return { edit: { changes: { [uri]: edits } } };
}
