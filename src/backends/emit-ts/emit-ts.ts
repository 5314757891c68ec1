// `netc compile`'s back end: one standalone, import-free TypeScript module for a checked model.
// It inlines, verbatim, the runtime's reference kernels of the ops the model uses and the small
// executor in standalone/compiled-model.ts; the model itself (nodes, shapes, attributes, param
// shapes) is a constant, and strings from the source only enter through `literal`.
import { fileURLToPath } from "node:url";
import { format } from "prettier";
import type { Graph } from "../../ir/graph.ts";
import { sizeOf } from "../../runtime/kernel.ts";
import { referenceKernels } from "../../runtime/kernels/registry.ts";
import type { Kernel } from "../../runtime/kernel.ts";
import type { OpName, ParamSpec } from "../../runtime/ops.ts";
import { planExecution } from "../../runtime/plan.ts";
import { inlineModules } from "./inline-source.ts";
import type { InferenceLayout } from "./standalone/compiled-model.ts";
import { KERNEL_SOURCES } from "./kernel-sources.ts";
import { literal } from "./literal.ts";
import { lossNodeOf, trainSources, trainStepCode } from "./train-step.ts";

export interface EmitOptions {
  /** Param tensors by `<layer>.<tensor>`; needed with embedWeights. */
  readonly weights?: ReadonlyMap<string, Float32Array>;
  /** Inline the weights (base64 float32) so `forward` works without `loadWeights`. */
  readonly embedWeights?: boolean;
  /** Also export `trainStep` with the model's `train` section. */
  readonly train?: boolean;
  /** The largest batch `forward` accepts (default 1): its buffers are planned and allocated for it
   * once. (A --train module's buffers instead grow to the largest batch seen.) */
  readonly maxBatch?: number;
}

const here = (relative: string) =>
  fileURLToPath(new URL(relative, import.meta.url));

/** Every param of the model in the order the emitted module stores them (node order, kernel order). */
export function paramSpecsInOrder(
  graph: Graph,
): { key: string; spec: ParamSpec }[] {
  return graph.nodes.flatMap((node) => {
    const kernel = referenceKernels[node.attrs.op] as Kernel<OpName>;
    const inShapes = node.inputs.map((id) => graph.nodes[id].shape);
    return kernel
      .params(node.attrs, inShapes)
      .map((spec) => ({ key: `${node.name}.${spec.name}`, spec }));
  });
}

function embeddedWeights(
  graph: Graph,
  weights: ReadonlyMap<string, Float32Array> | undefined,
): string {
  if (!weights) throw new Error("emitTs: embedWeights needs the weights");
  const specs = paramSpecsInOrder(graph);
  const flat = new Float32Array(
    specs.reduce((n, { spec }) => n + sizeOf(spec.shape), 0),
  );
  let offset = 0;
  for (const { key, spec } of specs) {
    const values = weights.get(key);
    const size = sizeOf(spec.shape);
    if (!values || values.length !== size) {
      throw new Error(
        `emitTs: weights "${key}" must hold ${size} floats, got ${values?.length ?? "none"}`,
      );
    }
    flat.set(values, offset);
    offset += size;
  }
  const base64 = Buffer.from(
    flat.buffer,
    flat.byteOffset,
    flat.byteLength,
  ).toString("base64");
  return `model.flatParams.set(decodeBase64Floats(${literal(base64)}));`;
}

/** The interpreter's own inference plan for this graph, as the emitted module's constants. */
function inferenceLayout(graph: Graph, maxBatch: number): InferenceLayout {
  const plan = planExecution(graph, { maxBatch, training: false });
  const { lifetimes } = plan.timeline;
  // The module keeps its params apart, so its arena starts where the plan's params end.
  const base = plan.scratchBase;
  const slot = (index: number): [number, number] => [
    plan.timelineBase + plan.placement.offsets[index] - base,
    lifetimes[index].size,
  ];
  return {
    maxBatch,
    arenaFloats: plan.totalFloats - base,
    scratch: [0, plan.scratchFloats],
    activations: plan.timeline.activation.map(slot),
    saved: plan.timeline.saved.map(slot),
    fused: plan.fusedActivation,
    sharesBufferOf: plan.sharesBufferOf,
  };
}

export async function emitTs(
  graph: Graph,
  options: EmitOptions = {},
): Promise<string> {
  if (graph.inputs.length !== 1 || graph.outputs.length !== 1) {
    throw new Error(
      `emitTs: ${graph.model} has ${graph.inputs.length} inputs and ${graph.outputs.length} outputs; ` +
        "a compiled module supports exactly one of each",
    );
  }
  const train = options.train ?? false;
  const maxBatch = options.maxBatch ?? 1;
  if (train && !graph.train)
    throw new Error(
      `emitTs: ${graph.model} has no train section to compile --train from`,
    );
  const ops = [...new Set(graph.nodes.map((node) => node.attrs.op))].sort();
  const kernelDir = here("../../runtime/kernels/");
  const sources = inlineModules([
    ...new Set(ops.map((op) => kernelDir + KERNEL_SOURCES[op].file)),
    here("./standalone/compiled-model.ts"),
    ...(train ? trainSources() : []),
  ]);
  const program = {
    nodes: graph.nodes.map(({ id, name, attrs, inputs, shape, params }) => ({
      id,
      name,
      attrs,
      inputs,
      shape,
      params,
    })),
    inputs: graph.inputs,
    outputs: graph.outputs,
  };
  const paramShapes = Object.fromEntries(
    paramSpecsInOrder(graph).map(({ key, spec }) => [key, spec.shape]),
  );
  const kernels = ops
    .map(
      (op) =>
        `${literal(op)}: ${KERNEL_SOURCES[op].expression} as Kernel<OpName>`,
    )
    .join(",\n");
  const code = [
    `// Generated by netc compile: a standalone module for model ${literal(graph.model)}. Do not edit.`,
    "// NHWC Float32Arrays, batch first. Kernels are netc's reference kernels, inlined.",
    sources,
    `const PROGRAM: Program = ${literal(program)};`,
    `const PARAM_SHAPES: Record<string, readonly number[]> = ${literal(paramShapes)};`,
    `const KERNELS: ModelKernels = {\n${kernels}\n};`,
    train
      ? `const model = new CompiledModel(PROGRAM, KERNELS, ${lossNodeOf(graph)}, ${graph.train?.seed ?? 0}, null);`
      : `const model = new CompiledModel(PROGRAM, KERNELS, null, 0, ${literal(inferenceLayout(graph, maxBatch))});`,
    `model.reserve(${maxBatch});`,
    `export const modelName: string = ${literal(graph.model)};`,
    `/** Per-sample input shape (NHWC, no batch dimension). */`,
    `export const inputShape: readonly number[] = ${literal(graph.nodes[graph.inputs[0]].shape)};`,
    `export const outputShape: readonly number[] = ${literal(graph.nodes[graph.outputs[0]].shape)};`,
    `export const paramCount = ${graph.totals.params};`,
    `/** Every param tensor (live views), keyed \`<layer>.<tensor>\` as in weights files; writing them changes the model. */`,
    `export const params: ReadonlyMap<string, Float32Array> = model.params;`,
    `/** Copies the weights in from a safetensors file's bytes (F32 tensors keyed \`<layer>.<tensor>\`). */`,
    `export function loadWeights(bytes: Uint8Array): void {\nreadSafetensorsInto(bytes, model.params, PARAM_SHAPES);\n}`,
    `/** Runs the model (inference) on \`batch\` samples; returns batch × outputShape floats. */`,
    `export function forward(x: Float32Array, batch = 1): Float32Array {\nreturn model.forward(x, batch, false);\n}`,
    ...(train ? [trainStepCode(graph)] : []),
    ...(options.embedWeights ? [embeddedWeights(graph, options.weights)] : []),
  ].join("\n\n");
  return format(code, { parser: "typescript" });
}
