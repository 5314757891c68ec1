// Completion: ops and blocks with argument snippets, named arguments, labels where a label
// goes, parameters and loop variables in expressions, statement and declaration keywords,
// and the keys and values of train/predict sections.
import { CompletionItemKind, InsertTextFormat, MarkupKind, type CompletionItem } from "vscode-languageserver";
import * as t from "../../grammar/tokens.ts";
import { builtins } from "../check/evaluate.ts";
import { ops } from "../check/ops/registry.ts";
import type { Analysis } from "./analysis.ts";
import { layerStatements } from "./ast-walk.ts";
import { keysOf, optionSignature as optionText, type OptionDoc } from "./config-docs.ts";
import { cursorContext, type CursorContext, type OpenCall } from "./cursor-context.ts";
import { labelArgs, opDocs } from "./op-docs.ts";
import {
  blockSignature,
  calleeSignature,
  functionSignature,
  namedParams,
  opSignature,
  optionSignature,
  positionalParams,
  signatureLabel,
  type Signature,
} from "./signatures.ts";
import type { NetSymbol, VisibleNames } from "./symbol-index.ts";

export interface CompletionOptions {
  /** The client inserts snippets (`${1:filters}` placeholders). */
  readonly snippets: boolean;
}

export function completions(a: Analysis, offset: number, options: CompletionOptions): CompletionItem[] {
  const ctx = cursorContext(a.text, offset);
  if (!ctx) return [];
  const items = collect(a, offset, ctx);
  return options.snippets ? items : items.map(withoutSnippet);
}

function collect(a: Analysis, offset: number, ctx: CursorContext): CompletionItem[] {
  const visible = a.symbols.visibleAt(offset);
  const previous = ctx.previous?.tokenType;
  if (previous === t.Train || previous === t.Predict)
    return [...a.symbols.models.values()].map((m) => symbolItem(m, a));
  if (ctx.region.kind === "config")
    return configItems(a, offset, ctx, ctx.region.section, ctx.region.key, ctx.region.inValue);
  if (ctx.region.kind === "top") return ctx.statementStart ? topKeywords.map(keywordItem) : [];
  if (ctx.region.kind === "parallel") return [];
  if (previous === t.Parallel)
    return ["add", "concat", "mul"].map((m) => ({ label: m, kind: CompletionItemKind.EnumMember, detail: "merge" }));
  if (previous === t.From) return labelItems(visible, a);
  if (previous === t.Arrow || previous === t.As || previous === t.Model || previous === t.Block || previous === t.Input)
    return [];
  if (inOutputList(ctx, a, offset)) return labelItems(visible, a);
  if (ctx.call) return callItems(a, ctx.call, visible, ctx);
  if (ctx.statementStart) return [...opItems(), ...blockItems(visible, a), ...bodyKeywords.map(keywordItem)];
  return valueItems(visible, a);
}

// ---- model and block bodies ---------------------------------------------------------------

function opItems(): CompletionItem[] {
  return Object.keys(ops).map((name) => callableItem(opSignature(name)!, CompletionItemKind.Function));
}

function blockItems(visible: VisibleNames, a: Analysis): CompletionItem[] {
  return visible.blocks.flatMap((symbol) => {
    const decl = a.symbols.blockDecl(symbol);
    return decl ? [callableItem(blockSignature(decl, a.text), CompletionItemKind.Module, decl.hasParens)] : [];
  });
}

/** `conv(${1:filters}, ${2:kernel})`: the required arguments as placeholders. */
function callableItem(
  sig: Signature,
  kind: CompletionItemKind,
  parens = sig.params.some((p) => p.default === undefined),
): CompletionItem {
  const required = sig.params.filter((p) => p.default === undefined);
  const placeholders = required.map((p, i) => `\${${i + 1}:${p.rest ? "label" : p.name}}`);
  const insertText = parens ? `${sig.name}(${placeholders.join(", ")})` : sig.name;
  return {
    label: sig.name,
    kind,
    detail: signatureLabel(sig),
    documentation: { kind: MarkupKind.Markdown, value: sig.summary },
    insertText,
    insertTextFormat: InsertTextFormat.Snippet,
  };
}

function callItems(a: Analysis, call: OpenCall, visible: VisibleNames, ctx: CursorContext): CompletionItem[] {
  const sig = calleeSignature(a, call, visible, ctx.region);
  const values = valueItems(visible, a);
  if (!sig) return values;
  const positional = positionalParams(sig);
  const current = call.currentName ?? (call.named.length === 0 ? positional[call.positional]?.name : undefined);
  const restParam = sig.params.find((p) => p.rest);
  const takesLabel =
    sig.kind === "op" &&
    (labelArgs[sig.name] === current ||
      (labelArgs[sig.name] === "rest" && call.currentName === undefined && restParam !== undefined));
  const items: CompletionItem[] = [];
  if (takesLabel) items.push(...labelItems(visible, a));
  if (current !== undefined && sig.kind === "op") {
    const choices = opDocs[sig.name as keyof typeof opDocs].choices?.[current] ?? [];
    items.push(
      ...choices.map((c) => ({ label: c, kind: CompletionItemKind.EnumMember, detail: `${current} of ${sig.name}` })),
    );
    if (sig.name === "dense" && current === "tie") items.push(...embeddingNameItems(a));
  }
  if (call.atArgStart && call.currentName === undefined) {
    const given = new Set([...call.named, ...positional.slice(0, call.positional).map((p) => p.name)]);
    for (const p of namedParams(sig)) {
      if (given.has(p.name)) continue;
      items.push({
        label: `${p.name} =`,
        kind: CompletionItemKind.Property,
        detail: p.default === undefined ? "required" : `default ${p.default}`,
        filterText: p.name,
        insertText: `${p.name} = `,
        sortText: `0${p.name}`,
      });
    }
    if (sig.kind === "op" && !call.named.includes("name")) {
      items.push({
        label: "name =",
        kind: CompletionItemKind.Property,
        detail: `layer name (default ${sig.name}_<k>)`,
        filterText: "name",
        insertText: 'name = "$1"',
        insertTextFormat: InsertTextFormat.Snippet,
        sortText: "0~name",
      });
    }
  }
  if (!takesLabel || call.currentName !== undefined) items.push(...values);
  return items;
}

/** `tie = "wte"`: the names given to embedding layers anywhere in the file. */
function embeddingNameItems(a: Analysis): CompletionItem[] {
  const names = new Set<string>();
  for (const s of layerStatements(a.program)) {
    const name = s.args.find((arg) => arg.name?.name === "name")?.value;
    if (s.callee.name === "embedding" && name?.kind === "String") names.add(name.value);
  }
  return [...names].map((n) => ({ label: `"${n}"`, kind: CompletionItemKind.Reference, detail: "embedding layer" }));
}

function labelItems(visible: VisibleNames, a: Analysis): CompletionItem[] {
  return visible.labels.map((s) => symbolItem(s, a));
}

function valueItems(visible: VisibleNames, a: Analysis): CompletionItem[] {
  const functions = Object.keys(builtins).map((name) => ({
    ...callableItem(functionSignature(name)!, CompletionItemKind.Function),
    sortText: `2${name}`,
  }));
  return [...visible.values.map((s) => ({ ...symbolItem(s, a), sortText: `1${s.name}` })), ...functions];
}

function symbolItem(s: NetSymbol, a: Analysis): CompletionItem {
  const kind =
    s.kind === "model"
      ? CompletionItemKind.Class
      : s.kind === "param" || s.kind === "loop"
        ? CompletionItemKind.Variable
        : CompletionItemKind.Reference;
  const describe: Record<NetSymbol["kind"], string> = {
    model: "model",
    block: "block",
    param: "parameter",
    loop: "loop variable",
    input: "input",
    label: "label",
  };
  return {
    label: s.name,
    kind,
    detail: `${describe[s.kind]}: ${firstLine(a.text.slice(s.declSpan.start, s.declSpan.end))}`,
  };
}

function inOutputList(ctx: CursorContext, a: Analysis, offset: number): boolean {
  if (ctx.previous?.tokenType === t.Output) return true;
  if (ctx.previous?.tokenType !== t.Comma || ctx.call) return false;
  const lineStart = a.text.lastIndexOf("\n", offset - 1) + 1;
  return /^\s*output\b[\s\w,]*$/.test(a.text.slice(lineStart, ctx.prefixStart));
}

// ---- train and predict sections -----------------------------------------------------------

function configItems(
  a: Analysis,
  offset: number,
  ctx: CursorContext,
  section: "train" | "predict",
  key: string | undefined,
  inValue: boolean,
): CompletionItem[] {
  const keys = keysOf(section);
  if (ctx.call) {
    const sig = optionSignature(section, key, ctx.call.callee);
    if (!sig || !ctx.call.atArgStart) return [];
    return sig.params
      .filter((p) => !ctx.call!.named.includes(p.name))
      .map((p) => ({
        label: `${p.name} =`,
        kind: CompletionItemKind.Property,
        ...(p.default !== undefined ? { detail: `default ${p.default}` } : {}),
        filterText: p.name,
        insertText: `${p.name} = `,
      }));
  }
  if (inValue && key !== undefined) {
    const doc = keys.find((k) => k.key === key);
    if (!doc?.options || (doc.list && !ctx.inList)) return [];
    return doc.options.map(optionItem);
  }
  const decl = a.program.items.find(
    (i) => (i.kind === "Train" || i.kind === "Predict") && i.span.start <= offset && offset <= i.span.end,
  );
  const written = new Set(
    decl && decl.kind !== "Model" && decl.kind !== "Block" ? decl.entries.map((e) => e.key.name) : [],
  );
  return keys
    .filter((k) => !written.has(k.key))
    .map((k) => ({
      label: k.key,
      kind: CompletionItemKind.Property,
      detail: k.summary,
      insertText: k.list ? `${k.key}: [$1]` : `${k.key}: $1`,
      insertTextFormat: InsertTextFormat.Snippet,
    }));
}

function optionItem(option: OptionDoc): CompletionItem {
  const required = option.args?.filter((a) => a.required) ?? [];
  const insertText = required.length
    ? `${option.name}(${required.map((a, i) => `${a.name} = \${${i + 1}}`).join(", ")})`
    : option.name;
  return {
    label: option.name,
    kind: CompletionItemKind.EnumMember,
    detail: optionText(option),
    ...(option.summary ? { documentation: option.summary } : {}),
    insertText,
    insertTextFormat: InsertTextFormat.Snippet,
  };
}

// ---- keywords -----------------------------------------------------------------------------

interface KeywordSnippet {
  readonly label: string;
  readonly snippet: string;
  readonly detail: string;
}

const bodyKeywords: readonly KeywordSnippet[] = [
  { label: "input", snippet: "input ${1:x}: [${2:224}, ${3:224}, ${4:3}]", detail: "declare an input" },
  { label: "repeat", snippet: "repeat ${1:n} {\n\t$0\n}", detail: "repeat a body" },
  { label: "repeat as", snippet: "repeat ${1:n} as ${2:i} {\n\t$0\n}", detail: "repeat a body with a counter" },
  {
    label: "parallel",
    snippet: "parallel ${1|add,concat,mul|} {\n\t{ $0 }\n\t{ }\n}",
    detail: "branches merged by add, concat or mul",
  },
  { label: "from", snippet: "from ${1:label}", detail: "make a labelled tensor current" },
  { label: "output", snippet: "output ${1:label}", detail: "mark outputs" },
  { label: "if", snippet: "if ${1:condition} {\n\t$0\n}", detail: "statements chosen by a condition" },
  {
    label: "if else",
    snippet: "if ${1:condition} {\n\t$2\n} else {\n\t$0\n}",
    detail: "statements chosen by a condition",
  },
  { label: "scaling", snippet: "scaling compound(${1:phi})", detail: "compound scaling (EfficientNet)" },
  { label: "block", snippet: "block ${1:name}(${2:filters}) {\n\t$0\n}", detail: "a reusable sub-network" },
];

const topKeywords: readonly KeywordSnippet[] = [
  {
    label: "model",
    snippet: "model ${1:Name} {\n\tinput ${2:x}: [${3:28}, ${4:28}, ${5:1}]\n\t$0\n}",
    detail: "a network",
  },
  { label: "block", snippet: "block ${1:name}(${2:filters}) {\n\t$0\n}", detail: "a reusable sub-network" },
  {
    label: "train",
    snippet:
      "train ${1:Model} {\n\tloss: ${2:cross_entropy}\n\toptimizer: ${3:adam(lr = 0.001)}\n\tbatch: ${4:32}\n\tepochs: ${5:10}\n}",
    detail: "training configuration",
  },
  {
    label: "predict",
    snippet: "predict ${1:Model} {\n\ttiles: overlap(tile = ${2:572})\n}",
    detail: "inference configuration",
  },
];

function keywordItem(k: KeywordSnippet): CompletionItem {
  return {
    label: k.label,
    kind: CompletionItemKind.Keyword,
    detail: k.detail,
    filterText: k.label.split(" ")[0]!,
    insertText: k.snippet,
    insertTextFormat: InsertTextFormat.Snippet,
  };
}

// ---- plain text for clients without snippets ----------------------------------------------

function withoutSnippet(item: CompletionItem): CompletionItem {
  if (item.insertTextFormat !== InsertTextFormat.Snippet || item.insertText === undefined) return item;
  return { ...item, insertText: snippetToText(item.insertText), insertTextFormat: InsertTextFormat.PlainText };
}

/** `${1:filters}` → `filters`, `${1|add,concat|}` → `add`, `$0` → ``. */
export function snippetToText(snippet: string): string {
  return snippet
    .replace(/\$\{\d+:([^}]*)\}/g, "$1")
    .replace(/\$\{\d+\|([^,|]*)[^}]*\}/g, "$1")
    .replace(/\$\{\d+\}|\$\d+/g, "");
}

function firstLine(s: string): string {
  const line = s.split("\n")[0]!.trim();
  return line.length > 60 ? `${line.slice(0, 57)}...` : line;
}
