// netc Program (or checked Graph) + weights → ONNX model (opset 17, IR version 8).
// Graph inputs and outputs are NHWC with a symbolic batch "N", named as in the model.
import type { Span } from "../../diagnostics/diagnostic.ts";
import type { Program, ProgramNode } from "../../runtime/ops.ts";
import { intValuedNodes } from "../../ir/dtype.ts";
import { OnnxExportError } from "./errors.ts";
import { OnnxGraphBuilder, ints } from "./graph-builder.ts";
import { layoutPermutation, type Layout } from "./layout.ts";
import { lowerNode, type LoweringContext } from "./lower-node.ts";
import { encodeModel, ONNX_INT64, type OnnxModel, type OnnxValueInfo } from "./onnx-proto.ts";

export const ONNX_OPSET = 17;
export const ONNX_IR_VERSION = 8;
/** Protobuf messages, hence single-file ONNX models, cannot exceed 2 GiB. */
const MAX_MODEL_BYTES = 2 ** 31 - 1;

export interface OnnxExportOptions {
  /** The ONNX graph's name; default: the Graph's model name, else "netc_model". */
  readonly modelName?: string;
  /** Names of the graph inputs, in `program.inputs` order; default: the model's input names. */
  readonly inputNames?: readonly string[];
  /** Names of the graph outputs, in `program.outputs` order; default: each output's label, else its layer name. */
  readonly outputNames?: readonly string[];
}

/** A tensor's value names per layout; dropout-like nodes share their input's record. */
type LayoutForms = Partial<Record<Layout, string>> & { produced: Layout };

const nodeSpan = (node: ProgramNode): Span | undefined => (node as { span?: Span }).span;

function checkedParam(node: ProgramNode, name: string, weights: ReadonlyMap<string, Float32Array>): Float32Array {
  const spec = node.params.find((p) => p.name === name);
  const key = `${node.name}.${name}`;
  const fail = (message: string): never => {
    throw new OnnxExportError(message, node.name, node.attrs.op, nodeSpan(node));
  };
  if (spec === undefined) return fail(`has no parameter "${name}"`);
  const values = weights.get(key);
  if (values === undefined)
    return fail(`the weights have no tensor "${key}" (expected shape [${spec.shape.join(", ")}])`);
  const expected = spec.shape.reduce((a, d) => a * d, 1);
  if (values.length !== expected) {
    return fail(
      `weight "${key}" has ${values.length} values, expected ${expected} for shape [${spec.shape.join(", ")}]`,
    );
  }
  return values;
}

function uniqueNames(names: readonly string[]): string[] {
  const seen = new Set<string>();
  return names.map((base) => {
    let name = base;
    for (let k = 1; seen.has(name); k++) name = `${base}_${k}`;
    seen.add(name);
    return name;
  });
}

/** Builds the ONNX model as plain objects (see `exportOnnx` for the bytes). */
export function buildOnnxModel(
  program: Program,
  weights: ReadonlyMap<string, Float32Array>,
  options: OnnxExportOptions = {},
): OnnxModel {
  const graphName = options.modelName ?? (program as { model?: string }).model ?? "netc_model";
  const paramBytes = program.nodes.reduce(
    (sum, n) => sum + n.params.reduce((s, p) => s + 4 * p.shape.reduce((a, d) => a * d, 1), 0),
    0,
  );
  if (paramBytes > MAX_MODEL_BYTES) {
    const message = `its ${paramBytes.toLocaleString("en-US")} bytes of weights exceed the 2 GiB limit of an ONNX file`;
    throw new OnnxExportError(message, graphName, "model");
  }

  const b = new OnnxGraphBuilder();
  const byId = new Map(program.nodes.map((n) => [n.id, n]));
  const forms = new Map<number, LayoutForms>();
  const nodeOf = (id: number): ProgramNode => byId.get(id)!;

  const inputNames = uniqueNames(
    program.inputs.map((id, i) => {
      const attrs = nodeOf(id).attrs;
      return options.inputNames?.[i] ?? (attrs.op === "input" ? attrs.name : nodeOf(id).name);
    }),
  );
  const outputNames = uniqueNames(
    program.outputs
      .map((id, i) => {
        const node = nodeOf(id) as ProgramNode & { label?: string };
        return options.outputNames?.[i] ?? node.label ?? node.name;
      })
      .map((name) => (inputNames.includes(name) ? `${name}_output` : name)),
  );
  for (const name of [...inputNames, ...outputNames]) b.fresh(name);

  /** The value of node `id` in `layout`; rank ≤ 1 tensors look the same in both. */
  const valueIn = (id: number, layout: Layout): string => {
    const f = forms.get(id)!;
    const rank = nodeOf(id).shape.length;
    const existing = rank < 2 ? f[f.produced] : f[layout];
    if (existing !== undefined) return existing;
    const suffix = layout === "channels_first" ? "nchw" : "nhwc";
    const name = b.add("Transpose", [f[f.produced]!], `${nodeOf(id).name}_${suffix}`, [
      ints("perm", layoutPermutation(rank, layout)),
    ]);
    f[layout] = name;
    return name;
  };

  // Token ids (an `int` input, and `take` of one) are int64 in ONNX, as Gather wants them.
  const intValued = intValuedNodes(program);
  const typeOf = (id: number): Pick<OnnxValueInfo, "elemType"> => (intValued.has(id) ? { elemType: ONNX_INT64 } : {});

  const graphInputs: OnnxValueInfo[] = program.inputs.map((id, i) => {
    forms.set(id, { produced: "channels_last", channels_last: inputNames[i] });
    return { name: inputNames[i], dims: ["N", ...nodeOf(id).shape], ...typeOf(id) };
  });

  for (const node of program.nodes) {
    if (node.attrs.op === "input") continue;
    const fail = (message: string): never => {
      throw new OnnxExportError(message, node.name, node.attrs.op, nodeSpan(node));
    };
    const ctx: LoweringContext = {
      b,
      node,
      input: (i, layout) => valueIn(node.inputs[i], layout),
      inputAsIs: (i) => {
        const f = forms.get(node.inputs[i])!;
        return { name: f[f.produced]!, layout: f.produced };
      },
      inputShape: (i) => nodeOf(node.inputs[i]).shape,
      param: (name) => checkedParam(node, name, weights),
      fail,
    };
    const lowered = lowerNode(ctx);
    if (lowered === "same-as-input") forms.set(node.id, forms.get(node.inputs[0])!);
    else forms.set(node.id, { produced: lowered.layout, [lowered.layout]: lowered.name });
  }

  // Outputs leave NHWC. The node computing an output's value is renamed to the output's name;
  // an input or a value already used by another output is passed on through an Identity.
  const finalValues = program.outputs.map((id) => valueIn(id, "channels_last"));
  const renamed = new Map<string, string>();
  const graphOutputs: OnnxValueInfo[] = program.outputs.map((id, i) => {
    const value = finalValues[i];
    const name = outputNames[i];
    if (!renamed.has(value) && b.produces(value)) {
      b.renameValue(value, name);
      renamed.set(value, name);
    } else {
      const input = renamed.get(value) ?? value;
      b.nodes.push({ opType: "Identity", name, inputs: [input], outputs: [name], attributes: [] });
    }
    return { name, dims: ["N", ...nodeOf(id).shape], ...typeOf(id) };
  });

  return {
    irVersion: ONNX_IR_VERSION,
    opsetVersion: ONNX_OPSET,
    producerName: "netc",
    producerVersion: "",
    graph: {
      name: graphName,
      nodes: b.nodes,
      initializers: b.initializers,
      inputs: graphInputs,
      outputs: graphOutputs,
    },
  };
}

/**
 * Exports `program` with `weights` (keyed `<layer>.<tensor>`, Keras layouts) as an ONNX file.
 * Throws OnnxExportError (naming the layer and, for a Graph, its span) for what cannot be exported.
 */
export function exportOnnx(
  program: Program,
  weights: ReadonlyMap<string, Float32Array>,
  options: OnnxExportOptions = {},
): Uint8Array {
  return encodeModel(buildOnnxModel(program, weights, options));
}
