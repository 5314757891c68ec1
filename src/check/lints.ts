// The lints of spec section 8 that read the expanded graph. Each warning points at the
// statement that can be changed, with the other layer as a related note.
import type { Diagnostic } from "../diagnostics/diagnostic.ts";
import { diagnostic } from "../diagnostics/catalogue.ts";
import type { GraphNode } from "../ir/graph.ts";
import type { OpName } from "../runtime/ops.ts";
import type { Fix } from "../diagnostics/diagnostic.ts";
import type { InputStmt, LayerStmt, ParallelStmt } from "../syntax/ast.ts";

type Producer = LayerStmt | InputStmt | ParallelStmt | undefined;
import type { ExpandedModel } from "./expand.ts";
import { elementCount, formatShape } from "./tensor.ts";

const linearOps: ReadonlySet<OpName> = new Set(["conv", "depthwise", "pointwise", "separable", "conv_transpose", "dense"]);
/** Ops that move values without changing them: a linear map stays linear through them. */
const passThrough: ReadonlySet<OpName> = new Set(["flatten", "reshape", "dropout", "identity", "pad"]);
const shapeOnly: ReadonlySet<OpName> = new Set(["flatten", "reshape", "identity"]);

/** A dense layer on a flattened input with at least this many params draws a warning. */
export const LARGE_DENSE_PARAMS = 1_000_000;
/** A full conv on at least this many input channels draws the depthwise-separable hint. */
export const SEPARABLE_HINT_CHANNELS = 64;

const fmt = (n: number) => n.toLocaleString("en-US");

export function lintGraph(model: ExpandedModel, outputs: readonly number[]): Diagnostic[] {
  const { nodes } = model;
  const readers = nodes.map(() => [] as GraphNode[]);
  for (const node of nodes) for (const input of node.inputs) readers[input]!.push(node);
  const out: Diagnostic[] = [];
  const isOutput = (id: number) => outputs.includes(id);
  /** Walks back from a node's single input through ops that keep values unchanged. */
  const producer = (node: GraphNode, skip: ReadonlySet<OpName>): GraphNode | undefined => {
    let current = nodes[node.inputs[0]!];
    while (current && skip.has(current.attrs.op) && current.inputs.length === 1) current = nodes[current.inputs[0]!];
    return current;
  };

  for (const node of nodes) {
    const op = node.attrs.op;
    const stmt = model.statementOf[node.id];
    if (linearOps.has(op) && node.inputs.length === 1) {
      const previous = producer(node, passThrough);
      const factorized = previous?.attrs.op === "depthwise" && op === "pointwise";
      // attention ends in its output projection: a dense right after it is a second linear map.
      const endsLinear = previous && (linearOps.has(previous.attrs.op) || (previous.attrs.op === "attention" && op === "dense"));
      if (previous && endsLinear && !factorized) {
        out.push(
          diagnostic(
            "NET5001",
            node.span,
            `${node.name} (${op}) follows ${previous.name} (${previous.attrs.op}) with no activation between them; the two collapse into one linear map — add an activation such as relu`,
            { related: [{ span: previous.span, message: `${previous.name} is here` }] },
          ),
        );
      }
    }
    if (op === "dense") {
      const source = producer(node, new Set(["dropout", "identity"]));
      const flattened =
        source && (source.attrs.op === "flatten" || source.attrs.op === "reshape") ? nodes[source.inputs[0]!] : undefined;
      // A reshape to a sequence [T, C] feeds a per-position dense, not one flattened vector.
      const oneVector = source?.shape.length === 1;
      if (flattened && oneVector && flattened.shape.length > 1 && node.paramCount >= LARGE_DENSE_PARAMS) {
        out.push(
          diagnostic(
            "NET5002",
            node.span,
            `${node.name} on the flattened ${formatShape(flattened.shape)} input has ${fmt(node.paramCount)} params; shrink the input with conv/pooling first (e.g. globalavgpool() instead of flatten())`,
          ),
        );
      }
    }
    if (linearOps.has(op) && op !== "dense" && "bias" in node.attrs && node.attrs.bias && !isOutput(node.id)) {
      const next = readers[node.id]!;
      if (next.length === 1 && next[0]!.attrs.op === "batchnorm") {
        out.push(
          diagnostic(
            "NET5003",
            node.span,
            `${node.name} has a bias directly followed by ${next[0]!.name}, which subtracts it again; set bias = false`,
            { related: [{ span: next[0]!.span, message: `${next[0]!.name} is here` }], fixes: biasFix(stmt) },
          ),
        );
      }
    }
    if (node.attrs.op === "conv") out.push(...separableHint(node, nodes[node.inputs[0]!]!, stmt));
    if (op === "softmax" || op === "log_softmax") {
      for (const reader of readers[node.id]!) {
        if (shapeOnly.has(reader.attrs.op)) continue;
        out.push(
          diagnostic(
            "NET5005",
            reader.span,
            `${reader.name} (${reader.attrs.op}) follows ${node.name}; ${op} belongs last, right before the loss (cross_entropy takes logits)`,
            { related: [{ span: node.span, message: `${node.name} is here` }] },
          ),
        );
      }
    }
  }
  return out;
}

function biasFix(stmt: Producer): Fix[] {
  if (stmt?.kind !== "Layer") return [];
  const given = stmt.args.find((a) => a.name?.name === "bias");
  if (given) return [{ title: "set bias = false", edits: [{ span: given.value.span, newText: "false" }] }];
  const last = stmt.args[stmt.args.length - 1];
  if (!last) return [];
  return [
    { title: "add bias = false", edits: [{ span: { start: last.span.end, end: last.span.end }, newText: ", bias = false" }] },
  ];
}

function separableHint(node: GraphNode, input: GraphNode, stmt: Producer): Diagnostic[] {
  if (node.attrs.op !== "conv") return [];
  const { kernel, groups, dilation, filters, bias } = node.attrs;
  const cin = input.shape[2] ?? 0;
  const area = kernel[0] * kernel[1];
  if (groups !== 1 || area === 1 || dilation[0] !== 1 || dilation[1] !== 1 || cin < SEPARABLE_HINT_CHANNELS) return [];
  const spatial = elementCount(node.shape) / filters;
  const params = area * cin + cin * filters + (bias ? filters : 0);
  const macs = spatial * cin * area + spatial * cin * filters;
  const canRewrite = stmt?.kind === "Layer" && !stmt.args.some((a) => a.name?.name === "dilation" || a.name?.name === "groups");
  return [
    diagnostic(
      "NET5004",
      node.span,
      `${node.name} is a full ${kernel[0]}x${kernel[1]} conv on ${cin} channels; depthwise-separable would need ${fmt(params)} params instead of ${fmt(node.paramCount)} and ${fmt(macs)} MACs instead of ${fmt(node.macs)}`,
      {
        fixes: canRewrite ? [{ title: "use separable(...)", edits: [{ span: stmt.callee.span, newText: "separable" }] }] : [],
      },
    ),
  ];
}
