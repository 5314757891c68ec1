// The Prettier printer for the print tree. Style: 2-space indent, one statement per line,
// `key: value` entries, `a, b` arguments, spaces around binary operators, one blank line
// between declarations; numbers, strings, parentheses, trailer order and `relu` vs `relu()`
// kept as written. Comments are attached by Prettier (see comments.ts) and printed with the
// node they belong to.
import { doc, util, type AstPath, type Doc, type ParserOptions, type Printer } from "prettier";
import { childKeys, type AttachedComment, type PArg, type PBody, type PNode, type PTrailer } from "./print-tree.ts";
import { handleComments, printComment, printDanglingComments, spaceBeforeLeadingComment as gap } from "./comments.ts";

const { group, indent, softline, line, hardline, join, fill } = doc.builders;

type Print = (selector?: string | number | (string | number)[] | AstPath<PNode>) => Doc;

function printNode(path: AstPath<PNode>, options: ParserOptions<PNode>, print: Print): Doc {
  const node = path.node;
  switch (node.kind) {
    case "Program": {
      const items = path.map(print, "items");
      const dangling = printDanglingComments(path);
      if (items.length === 0) return dangling.length > 0 ? [join(hardline, dangling), hardline] : "";
      return [join([hardline, hardline], items), hardline];
    }
    case "Model":
    case "Block":
      return [node.kind === "Model" ? "model " : "block ", print("name"), gap(node.params), node.params ? print("params") : "", " ", print("body")];
    case "ParamList":
      return bracketed(path, "(", path.map(print, "params"), ")");
    case "ParamDecl":
      return node.default ? [print("name"), " = ", print("default")] : print("name");
    case "Train":
    case "Predict":
      return [node.kind === "Train" ? "train " : "predict ", print("model"), " ", print("body")];
    case "ConfigBody":
      return block(path, options, print, "entries");
    case "ConfigEntry":
      return [print("key"), ": ", print("value")];
    case "Body":
      if (inlineParents.has(path.parent!.kind) && writtenInline(node, options.originalText)) {
        return group(["{", indent([line, print(["statements", 0])]), line, "}"]);
      }
      return block(path, options, print, "statements");
    case "Branches":
      return block(path, options, print, "bodies");
    case "Input":
      return ["input ", print("name"), ": ", print("shape"), node.dtype ? [" ", print("dtype")] : ""];
    case "Layer": {
      const head = [print("callee"), gap(node.args), node.args ? print("args") : ""];
      return [head, trailer(node, print, alignedShapeColumn(path, options, head, print))];
    }
    case "From":
      return ["from ", print("source")];
    case "Output":
      return ["output ", join(", ", path.map(print, "names"))];
    case "Scaling":
      return ["scaling ", print("callee"), gap(node.args), print("args")];
    case "Repeat":
      return ["repeat ", print("count"), node.index ? [" as ", print("index")] : "", " ", print("body"), trailer(node, print)];
    case "Parallel":
      return ["parallel ", print("merge"), gap(node.args), node.args ? print("args") : "", " ", print("branches"), trailer(node, print)];
    case "If":
      return ["if ", print("condition"), " ", print("then"), node.else ? [" else ", print("else")] : "", trailer(node, print)];
    case "ArgList":
      return huggable(node.args) ? ["(", print(["args", 0]), ")"] : bracketed(path, "(", path.map(print, "args"), ")");
    case "Arg":
      return node.name ? [print("name"), " = ", print("value")] : print("value");
    case "List":
      if (node.elements.length > 0 && node.elements.every(isFlat)) {
        // Shapes and other flat lists pack as many elements per line as fit.
        const parts = path.map(print, "elements");
        const filled = parts.flatMap((part, i) => (i < parts.length - 1 ? [[part, ","], line] : [part]));
        return group(["[", indent([softline, fill(filled)]), softline, "]"]);
      }
      return bracketed(path, "[", path.map(print, "elements"), "]");
    case "Unary":
      return [node.op === "not" ? "not " : node.op, gap(node.operand), print("operand")];
    case "Binary":
      return [print("left"), " ", node.op, " ", print("right")];
    case "Call":
      return [print("callee"), gap(node.args), print("args")];
    case "Paren":
      // A line comment after the inner expression must end its line before the `)`.
      return ["(", print("inner"), hasTrailingLineComment(node.inner) ? hardline : "", ")"];
    case "Ident":
    case "Name":
      return node.name;
    case "Number":
    case "Kernel":
    case "String":
      return node.raw;
    case "Bool":
      return node.value ? "true" : "false";
    case "Error":
      // parse() reported a syntax error, and formatting refuses such files before printing.
      throw new Error("netc: cannot print a syntax error");
  }
}

const simpleStatements = new Set(["Layer", "Input", "From", "Output", "Scaling"]);
const inlineParents = new Set(["Repeat", "If", "Branches"]);

/** A repeat, if or parallel-branch body of one simple statement written on the `{` line
 * (`repeat 5 { dwsep(512) }`) stays inline while it fits, as Prettier keeps an object
 * literal the way it was opened. Model and block bodies always take one line per statement. */
function writtenInline(body: PBody, text: string): boolean {
  const [only] = body.statements;
  return (
    body.statements.length === 1 &&
    simpleStatements.has(only!.kind) &&
    !hasComments(body) &&
    !containsComments(only!) &&
    !text.slice(body.span.start, only!.span.start).includes("\n")
  );
}

function containsComments(node: PNode): boolean {
  if (hasComments(node)) return true;
  const record = node as unknown as Record<string, unknown>;
  return childKeys[node.kind].some((key) => {
    const child = record[key];
    const children = Array.isArray(child) ? (child as PNode[]) : child ? [child as PNode] : [];
    return children.some(containsComments);
  });
}

/** A lone positional list or call argument hugs the parentheses: `reshape([` ... `])`. */
function huggable(args: readonly PArg[]): boolean {
  const only = args[0];
  return args.length === 1 && !only!.name && !hasComments(only!) && (only!.value.kind === "List" || only!.value.kind === "Call");
}

/** An element without nested brackets or comments (fill would move a line comment). */
function isFlat(node: PNode): boolean {
  if (hasComments(node)) return false;
  if (node.kind === "Unary") return isFlat(node.operand);
  if (node.kind === "Binary") return isFlat(node.left) && isFlat(node.right);
  return node.kind === "Number" || node.kind === "Kernel" || node.kind === "Name" || node.kind === "Bool" || node.kind === "String";
}

function hasTrailingLineComment(node: PNode): boolean {
  return node.comments?.some((c) => c.trailing && !c.block) ?? false;
}

function hasComments(node: PNode): boolean {
  return (node.comments?.length ?? 0) > 0;
}

/** `-> label` and `: [shape]`, in the order written (so comments keep their order); the `:`
 * padded to `shapeColumn` when given (an alignment the author made). */
function trailer(node: PTrailer, print: Print, shapeColumn?: { pad: number }): Doc {
  const label = node.label ? [" -> ", print("label")] : "";
  const shape = node.assertShape ? [" ".repeat(shapeColumn?.pad ?? 1), ": ", print("assertShape")] : "";
  const shapeFirst = node.label && node.assertShape && node.assertShape.span.start < node.label.span.start;
  return shapeFirst ? [shape, label] : [label, shape];
}

/**
 * Column alignment of shape assertions, as the author wrote it:
 *   maxpool(3x3, stride = 2, pad = 1)   : [56, 56, 64]
 *   basic(512)                          : [7, 7, 512]
 * A `:` with two or more spaces before it in the source keeps its column when the statement
 * before it still fits there, on one line, within the print width; one space otherwise. (Each
 * line keeps its own column, so the result formats to itself again.) Returns the spaces before
 * the `:`, or undefined for the plain single space.
 */
function alignedShapeColumn(path: AstPath<PNode>, options: ParserOptions<PNode>, head: Doc, print: Print): { pad: number } | undefined {
  const node = path.node;
  if (node.kind !== "Layer" || !node.assertShape || hasComments(node.assertShape) || (node.label && hasComments(node.label))) return undefined;
  const text = options.originalText;
  const labelFirst = node.label && node.label.span.start < node.assertShape.span.start;
  const before = labelFirst ? node.label!.span.end : (node.args ?? node.callee).span.end;
  const gapText = text.slice(before, node.assertShape.span.start);
  const colon = /^( {2,}):\s*$/.exec(gapText);
  if (!colon) return undefined;
  const colonAt = before + colon[1]!.length;
  const column = colonAt - (text.lastIndexOf("\n", colonAt - 1) + 1);
  let indent = 0;
  for (let depth = 0; ; depth++) {
    const ancestor = path.getParentNode(depth) as PNode | null;
    if (!ancestor) break;
    if (ancestor.kind === "Body" || ancestor.kind === "ConfigBody" || ancestor.kind === "Branches") indent += 2;
    if (ancestor.kind === "Body" && inlineParents.has((path.getParentNode(depth + 1) as PNode | null)?.kind ?? "")) return undefined;
  }
  const flat = (d: Doc) => doc.printer.printDocToString(d, { printWidth: Infinity, tabWidth: 2, useTabs: false } as never).formatted;
  const label = labelFirst ? ` -> ${flat(print("label"))}` : "";
  const headText = flat(head);
  const width = indent + headText.length + label.length;
  const rest = `: ${flat(print("assertShape"))}${!labelFirst && node.label ? ` -> ${flat(print("label"))}` : ""}`;
  const pad = column - width;
  if (pad < 1 || [headText, label, rest].some((part) => part.includes("\n"))) return undefined;
  if (column + rest.length > options.printWidth) return undefined;
  return { pad };
}

/** `{ }` or `{` + one child per line (blank lines between children kept, at most one) + `}`;
 * an end-of-line comment right after `{` stays there. */
function block(path: AstPath<PNode>, options: ParserOptions<PNode>, print: Print, key: "entries" | "statements" | "bodies"): Doc {
  const children = (path.node as unknown as Record<string, PNode[]>)[key]!;
  const afterOpen = printDanglingComments(path, "after-open");
  const inside = printDanglingComments(path);
  const head = afterOpen.length > 0 ? ["{ ", join(" ", afterOpen)] : "{";
  if (children.length === 0 && inside.length === 0) return afterOpen.length > 0 ? [head, hardline, "}"] : "{ }";
  const parts: Doc[] = [];
  path.each((child, i) => {
    parts.push(print());
    if (i < children.length - 1) {
      parts.push(hardline);
      if (util.isNextLineEmpty(options.originalText, child.node.span.end)) parts.push(hardline);
    }
  }, key);
  const body = children.length > 0 ? parts : join(hardline, inside);
  return [head, indent([hardline, body]), hardline, "}"];
}

/** `(a, b)` / `[a, b]` on one line when it fits, else one item per line. */
function bracketed(path: AstPath<PNode>, open: string, items: Doc[], close: string): Doc {
  const dangling = printDanglingComments(path);
  if (items.length === 0) return dangling.length > 0 ? group([open, indent([softline, join(line, dangling)]), softline, close]) : [open, close];
  return group([open, indent([softline, join([",", line], items)]), softline, close]);
}

export const netcPrinter: Printer<PNode> = {
  print: printNode,
  printComment,
  canAttachComment: (node) => typeof node.kind === "string" && (node.kind as string) !== "Comment",
  isBlockComment: (node) => (node as unknown as AttachedComment).block === true,
  getVisitorKeys: (node) => [...(childKeys[node.kind] ?? [])],
  handleComments,
};
