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
import { parse } from "../syntax/parse.ts";
import type { Analysis } from "./analysis.ts";
import { contains, layerStatements } from "./ast-walk.ts";
import { SymbolIndex, type NetSymbol } from "./symbol-index.ts";

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
  if (newName === symbol.name) return { edit: { changes: { [uri]: [] } } };
  const refs = a.symbols.refsOf(symbol);
  const conflict = collision(a, refs.map((r) => r.span), symbol, newName);
  if (conflict) return { error: conflict };
  const edits = refs.map((r) => ({ range: a.lines.range(r.span), newText: newName }));
  return { edit: { changes: { [uri]: edits } } };
}

/**
 * Why renaming would change what some name refers to, or undefined when it would not. The
 * renamed text is bound again: every name must still refer to the same declaration, and no
 * name may start referring to one (a collision with another label, input, parameter or block
 * in scope, or a use that the new name would capture).
 */
function collision(a: Analysis, spans: readonly Span[], symbol: NetSymbol, newName: string): string | undefined {
  const sorted = [...spans].sort((x, y) => x.start - y.start);
  let text = "";
  let last = 0;
  for (const span of sorted) {
    text += a.text.slice(last, span.start) + newName;
    last = span.end;
  }
  text += a.text.slice(last);
  const moved = (offset: number) => {
    let shift = 0;
    for (const span of sorted) if (span.end <= offset) shift += newName.length - (span.end - span.start);
    return offset + shift;
  };
  const after = new SymbolIndex(parse(text).program);
  const byStart = new Map(after.refs.map((r) => [r.span.start, r]));
  const changed =
    after.refs.length !== a.symbols.refs.length ||
    a.symbols.refs.some((ref) => {
      const now = byStart.get(moved(ref.span.start));
      return !now || now.symbol.nameSpan.start !== moved(ref.symbol.nameSpan.start);
    });
  if (!changed) return undefined;
  const other = a.symbols.symbols.find((s) => s.name === newName && s !== symbol && s.unit === symbol.unit) ??
    a.symbols.symbols.find((s) => s.name === newName && s !== symbol);
  const where = other ? ` (${describeKind(other)} '${newName}' on line ${a.lines.range(other.nameSpan).start.line + 1})` : "";
  return `cannot rename '${symbol.name}' to '${newName}': the name is already taken in this scope${where}; choose another name`;
}

function describeKind(symbol: NetSymbol): string {
  return symbol.kind === "param" ? "parameter" : symbol.kind === "loop" ? "loop variable" : symbol.kind;
}
