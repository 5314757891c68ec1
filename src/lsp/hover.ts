// Hover: a layer's output shape, params and MACs; a block call's totals and signature; a
// label's shape; a model's totals; parameters, train/predict keys and option words.
import { MarkupKind, type Hover } from "vscode-languageserver";
import type { StatementFacts } from "../check/index.ts";
import type { Span } from "../diagnostics/diagnostic.ts";
import type { ConfigEntry, Expr, IfStmt, LayerStmt, ParallelStmt, RepeatStmt, Statement } from "../syntax/ast.ts";
import type { Analysis } from "./analysis.ts";
import { childExprs, contains, statementsOf } from "./ast-walk.ts";
import { keysOf, optionSignature as optionText } from "./config-docs.ts";
import { bytes, count, distinctShapes, factsOf, graphOf, nodesOf, shapeText } from "./facts.ts";
import { blockSignature, functionSignature, opSignature, signatureLabel } from "./signatures.ts";
import type { NetSymbol } from "./symbol-index.ts";

export function hover(a: Analysis, offset: number): Hover | null {
  const found =
    symbolHover(a, offset) ??
    layerHover(a, offset) ??
    compoundHover(a, offset) ??
    configHover(a, offset) ??
    functionHover(a, offset);
  if (!found) return null;
  return { contents: { kind: MarkupKind.Markdown, value: found.markdown }, range: a.lines.range(found.span) };
}

interface Found {
  readonly markdown: string;
  readonly span: Span;
}

const code = (s: string) => "```netc\n" + s + "\n```";

// ---- names ----------------------------------------------------------------------------------

function symbolHover(a: Analysis, offset: number): Found | undefined {
  const ref = a.symbols.at(offset);
  if (!ref) return undefined;
  const s = ref.symbol;
  const markdown = (() => {
    switch (s.kind) {
      case "model":
        return modelMarkdown(a, s.name);
      case "block": {
        const call = ref.isDeclaration ? undefined : layerAt(a, ref.span.start);
        return call ? layerMarkdown(a, call) : blockDeclMarkdown(a, s);
      }
      case "label":
      case "input":
        return labelMarkdown(a, s);
      case "param":
        return paramMarkdown(a, s);
      case "loop":
        return `${code(`repeat ... as ${s.name}`)}\nloop variable, counting from 0`;
    }
  })();
  return { markdown, span: ref.span };
}

function modelMarkdown(a: Analysis, name: string): string {
  const graph = graphOf(a, name);
  if (!graph) return `${code(`model ${name}`)}\nTotals are shown once the model checks without errors.`;
  const t = graph.totals;
  const shapes = (ids: readonly number[]) => ids.map((id) => `\`${shapeText(graph.nodes[id]!.shape)}\``).join(", ");
  return [
    code(`model ${name}`),
    `| | |\n|---|---|`,
    `| params | **${count(t.params)}** (${count(t.trainable)} trainable, ${count(t.nonTrainable)} non-trainable) |`,
    `| MACs | **${count(t.macs)}** |`,
    `| input → output | ${shapes(graph.inputs)} → ${shapes(graph.outputs)} |`,
    `| parameter memory | ${bytes(t.paramBytes)} |`,
    `| activations (per sample) | ${bytes(t.activationBytesInference)} inference, ${bytes(t.activationBytesTraining)} training |`,
  ].join("\n");
}

function blockDeclMarkdown(a: Analysis, s: NetSymbol): string {
  const decl = a.symbols.blockDecl(s);
  const uses = a.symbols.refsOf(s).filter((r) => !r.isDeclaration).length;
  const signature = decl ? signatureLabel(blockSignature(decl, a.text)) : s.name;
  return `${code(`block ${signature}`)}\ncalled ${uses} time${uses === 1 ? "" : "s"}`;
}

function labelMarkdown(a: Analysis, s: NetSymbol): string {
  const facts = factsOf(a, s.node as Statement);
  const header = code(s.kind === "input" ? `input ${s.name}` : `-> ${s.name}`);
  const shapes = facts ? distinctShapes(facts) : [];
  if (shapes.length === 0) return `${header}\nshape unknown (see the errors above it)`;
  const stmt = s.node as Statement;
  const ids = stmt.kind === "Input" && stmt.dtype?.name === "int" ? ", int token ids (for embedding or take)" : "";
  return `${header}\nshape ${shapes.map((sh) => `\`${shapeText(sh)}\``).join(", ")}${ids}`;
}

function paramMarkdown(a: Analysis, s: NetSymbol): string {
  const decl = a.text.slice(s.declSpan.start, s.declSpan.end);
  const where = s.unit ? `${s.unit.kind === "Model" ? "model" : "block"} ${s.unit.name.name}` : "";
  const value = s.unit?.kind === "Model" ? graphOf(a, s.unit.name.name)?.params[s.name] : undefined;
  return `${code(decl)}\nparameter of ${where}${value === undefined ? "" : `; value \`${String(value)}\``}`;
}

// ---- layers ---------------------------------------------------------------------------------

/** The first statement, in any model or block body, that `match` accepts. */
function statementAt<S extends Statement>(a: Analysis, offset: number, match: (s: Statement) => s is S): S | undefined {
  const search = (body: readonly Statement[]): S | undefined => {
    for (const s of statementsOf(body)) {
      if (match(s)) return s;
      if (s.kind === "Block" && contains(s.span, offset)) {
        const nested = search(s.body);
        if (nested) return nested;
      }
    }
    return undefined;
  };
  for (const item of a.program.items) {
    if ((item.kind === "Model" || item.kind === "Block") && contains(item.span, offset)) {
      const found = search(item.body);
      if (found) return found;
    }
  }
  return undefined;
}

/** The op or block call whose name is at the offset. */
function layerAt(a: Analysis, offset: number): LayerStmt | undefined {
  return statementAt(a, offset, (s): s is LayerStmt => s.kind === "Layer" && contains(s.callee.span, offset));
}

type Compound = RepeatStmt | ParallelStmt | IfStmt;

/** `repeat`, `parallel` or `if` under the cursor: the totals of everything it expands to. */
function compoundHover(a: Analysis, offset: number): Found | undefined {
  const keywordSpan = (s: Compound): Span => ({
    start: s.span.start,
    end: s.span.start + { Repeat: 6, Parallel: 8, If: 2 }[s.kind],
  });
  const s = statementAt(
    a,
    offset,
    (x): x is Compound =>
      (x.kind === "Repeat" || x.kind === "Parallel" || x.kind === "If") && contains(keywordSpan(x), offset),
  );
  const facts = s && factsOf(a, s);
  if (!s || !facts) return undefined;
  const word = { Repeat: "repeat", Parallel: "parallel", If: "if" }[s.kind];
  return {
    markdown: `${code(word)}

${factsMarkdown(a, facts, true)}`,
    span: keywordSpan(s),
  };
}

function layerHover(a: Analysis, offset: number): Found | undefined {
  const layer = layerAt(a, offset);
  return layer && { markdown: layerMarkdown(a, layer), span: layer.callee.span };
}

function layerMarkdown(a: Analysis, layer: LayerStmt): string {
  const block = a.symbols.at(layer.callee.span.start)?.symbol;
  const decl = block?.kind === "block" ? a.symbols.blockDecl(block) : undefined;
  const sig = decl ? blockSignature(decl, a.text) : opSignature(layer.callee.name);
  const facts = factsOf(a, layer);
  const lines = [code(sig ? `${decl ? "block " : ""}${signatureLabel(sig)}` : layer.callee.name)];
  if (facts) lines.push(factsMarkdown(a, facts, decl !== undefined));
  if (sig && !decl) lines.push(sig.summary);
  return lines.join("\n\n");
}

function factsMarkdown(a: Analysis, facts: StatementFacts, isBlock: boolean): string {
  const shapes = distinctShapes(facts);
  const expansions = facts.outputs.length;
  const nodes = nodesOf(a, facts);
  const trainable = nodes.reduce((sum, n) => sum + n.trainableParams, 0);
  const parts: string[] = [];
  if (shapes.length) parts.push(`output ${shapes.map((s) => `\`${shapeText(s)}\``).join(", ")}`);
  else parts.push("output shape unknown (after an error)");
  const nonTrainable = nodes.length ? facts.params - trainable : 0;
  parts.push(`params **${count(facts.params)}**${nonTrainable > 0 ? ` (${count(nonTrainable)} non-trainable)` : ""}`);
  parts.push(`MACs **${count(facts.macs)}**`);
  if (expansions > 1) parts.push(`over ${expansions} expansions`);
  if (nodes.length) {
    const names = nodes.map((n) => n.name);
    const shown = names.length > 6 ? [...names.slice(0, 3), "…", ...names.slice(-2)] : names;
    parts.push(`${isBlock ? "layers" : "layer"} ${shown.map((n) => (n === "…" ? n : `\`${n}\``)).join(", ")}`);
  }
  return parts.join(" · ");
}

// ---- train / predict sections and built-in functions ----------------------------------------

function configHover(a: Analysis, offset: number): Found | undefined {
  for (const item of a.program.items) {
    if ((item.kind !== "Train" && item.kind !== "Predict") || !contains(item.span, offset)) continue;
    const section = item.kind === "Train" ? "train" : "predict";
    for (const entry of item.entries) {
      const doc = keysOf(section).find((k) => k.key === entry.key.name);
      if (!doc) continue;
      if (contains(entry.key.span, offset)) {
        const choices = doc.options ? `\n\nvalues: ${doc.options.map((o) => `\`${optionText(o)}\``).join(", ")}` : "";
        return { markdown: `${code(`${doc.key}:`)}\n${doc.summary}${choices}`, span: entry.key.span };
      }
      const word = optionWordAt(entry, offset);
      const option = word && doc.options?.find((o) => o.name === word.name);
      if (word && option) return { markdown: `${code(optionText(option))}\n${option.summary}`, span: word.span };
    }
  }
  return undefined;
}

function optionWordAt(entry: ConfigEntry, offset: number): { name: string; span: Span } | undefined {
  const visit = (e: Expr): { name: string; span: Span } | undefined => {
    if (e.kind === "Name" && contains(e.span, offset)) return { name: e.name, span: e.span };
    if (e.kind === "Call" && contains(e.callee.span, offset)) return { name: e.callee.name, span: e.callee.span };
    for (const child of childExprs(e)) {
      const found = visit(child);
      if (found) return found;
    }
    return undefined;
  };
  return visit(entry.value);
}

function functionHover(a: Analysis, offset: number): Found | undefined {
  const word = wordAt(a.text, offset);
  if (!word || a.text[word.end] !== "(" || a.program.comments.some((c) => contains(c.span, word.start)))
    return undefined;
  const sig = functionSignature(a.text.slice(word.start, word.end));
  return sig && { markdown: `${code(signatureLabel(sig))}\n${sig.summary}`, span: word };
}

function wordAt(text: string, offset: number): Span | undefined {
  let start = offset;
  let end = offset;
  while (start > 0 && /\w/.test(text[start - 1]!)) start--;
  while (end < text.length && /\w/.test(text[end]!)) end++;
  return start < end ? { start, end } : undefined;
}
