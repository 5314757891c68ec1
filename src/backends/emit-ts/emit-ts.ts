// `netc compile`'s back end: one standalone, import-free TypeScript module for a checked model.
// It inlines, verbatim, the runtime's planned executor (memory plan, batchnorm folding, fused
// bias + activation, packed weights), its WebAssembly glue and the reference kernels of the ops
// the model uses — only the declarations reachable from them — plus the small wrapper in
// standalone/compiled-model.ts. The WebAssembly kernel modules are built here, with the
// runtime's own emitter, and embedded as base64 (an FMA build and a plain-SIMD build; the
// module picks one at load time, or the TypeScript kernels without WebAssembly SIMD; with
// `kernels: "js"` the WebAssembly side is left out altogether). The
// model itself (nodes, shapes, attributes, param shapes) is a constant, and strings from the
// source only enter through `literal`.
import type { Graph } from "../../ir/graph.ts";
import { sizeOf } from "../../runtime/kernel.ts";
import { referenceKernels } from "../../runtime/reference/registry.ts";
import type { Kernel } from "../../runtime/kernel.ts";
import type { OpName, ParamSpec } from "../../runtime/ops.ts";
import { buildKernelModule } from "../../runtime/wasm/gen/kernels-module.ts";
import { moduleConfig } from "../../runtime/wasm/host/kernels.ts";
import { wasm } from "../../runtime/wasm/host/webassembly-api.ts";
import { formatTypeScript } from "./format-ts.ts";
import { inlineModules, type Binding, type InlineRoot } from "./link-modules.ts";
import { KERNEL_SOURCES } from "./kernel-sources.ts";
import { literal } from "./literal.ts";
import { sourceUrl } from "./runtime-source.ts";
import { lossNodeOf, trainRoots, trainStepCode } from "./train-step.ts";

/** Which kernels the module carries: both WebAssembly builds (the default), only the plain-SIMD
 * one, or none (TypeScript kernels only: smaller, slower). */
export type EmitKernels = "auto" | "wasm-simd" | "js";

export interface EmitOptions {
  /** Param tensors by `<layer>.<tensor>`; needed with embedWeights. */
  readonly weights?: ReadonlyMap<string, Float32Array>;
  /** Inline the weights (base64 float32) so `forward` works without `loadWeights`. */
  readonly embedWeights?: boolean;
  /** Also export `trainStep` with the model's `train` section. */
  readonly train?: boolean;
  /** Buffers are sized once for this many samples (default 1, with `train` the train section's
   * batch); forward runs a larger batch in chunks of it, trainStep refuses one. */
  readonly maxBatch?: number;
  readonly kernels?: EmitKernels;
}

const runtimeFile = (relative: string) => sourceUrl(`runtime/${relative}`);
const standaloneFile = (relative: string) =>
  sourceUrl(`backends/emit-ts/standalone/${relative}`);

/** Every param of the model in the order the emitted module stores them (node order, kernel order). */
export function paramSpecsInOrder(
  graph: Graph,
): { key: string; spec: ParamSpec }[] {
  return graph.nodes.flatMap((node) => {
    const kernel = referenceKernels[node.attrs.op] as Kernel<OpName>;
    const inShapes = node.inputs.map((id) => graph.nodes[id].shape);
    // A shared (tied) tensor is stored once, with the layer that owns it.
    return kernel
      .params(node.attrs, inShapes)
      .filter((spec) => spec.owner === undefined)
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
  return `setParamsFromFlat(decodeBase64Floats(${literal(base64Of(flat))}), model.params, PARAM_SHAPES);\nmodel.paramsChanged();`;
}

/** Node's Buffer where there is one; btoa in a browser (netc/browser, the playground). */
function base64Of(array: Uint8Array | Float32Array): string {
  const bytes = new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
  if (typeof Buffer === "function") return Buffer.from(bytes).toString("base64");
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** The kernel modules to embed, best first, each for the configuration the module will ask for
 * (the emitted module's arena is a plain, unshared WebAssembly memory). */
function kernelModules(kernels: "auto" | "wasm-simd"): string {
  const memory = new wasm.Memory({ initial: 1 });
  const builds = kernels === "auto" ? [true, false] : [false];
  return literal(
    builds.map((fma) => {
      const config = moduleConfig(memory, fma);
      return { config, base64: base64Of(buildKernelModule(config)) };
    }),
  );
}

/** The kernels of the ops the model uses: the roots that bind them, and the table (over those
 * names) the module passes in for the runtime's registry. */
function modelKernels(ops: readonly OpName[]): { roots: InlineRoot[]; table: string } {
  const names = new Map<string, Set<string>>();
  for (const op of ops) {
    const { file, expression } = KERNEL_SOURCES[op];
    if (!names.has(file)) names.set(file, new Set());
    names.get(file)!.add(expression.split(".")[0]);
  }
  const roots = [...names].map(([file, exports]) => ({
    path: runtimeFile(`reference/${file}`),
    names: [...exports],
  }));
  const entries = ops.map((op) => `${JSON.stringify(op)}: ${KERNEL_SOURCES[op].expression}`);
  return { roots, table: `kernelTable({ ${entries.join(", ")} })` };
}

/** Names the generated code declares at the top level. */
const GENERATED_NAMES = [
  "MODEL_KERNELS",
  "PROGRAM",
  "PARAM_SHAPES",
  "KERNEL_MODULES",
  "INPUT_NAMES",
  "OUTPUT_NAMES",
  "model",
  "modelName",
  "inputShape",
  "outputShape",
  "inputShapes",
  "outputShapes",
  "paramCount",
  "maxBatch",
  "kernels",
  "params",
  "paramsChanged",
  "loadWeights",
  "forward",
  "trainStep",
  "TRAIN",
  "LOSS_INPUT",
  "optimizer",
  "stepsTaken",
  "initialize",
  "saveWeights",
];

/** Inputs by their declared name, outputs by their `-> label` (else their layer name). */
function ioNames(graph: Graph, ids: readonly number[]): string[] {
  const labelled = ids.map(
    (id) => graph.nodes[id].label ?? graph.nodes[id].name,
  );
  return new Set(labelled).size === ids.length
    ? labelled
    : ids.map((id) => graph.nodes[id].name);
}

function ioCode(graph: Graph): string {
  const shapeOf = (id: number) => graph.nodes[id].shape;
  const names = (ids: readonly number[]) => ioNames(graph, ids);
  const record = (ids: readonly number[]) => {
    const keys = names(ids);
    return literal(
      Object.fromEntries(ids.map((id, k) => [keys[k], shapeOf(id)])),
    );
  };
  const shapes = [
    `/** Per-sample shapes (NHWC, no batch dimension) by input and output name. */`,
    `export const inputShapes: Readonly<Record<string, readonly number[]>> = ${record(graph.inputs)};`,
    `export const outputShapes: Readonly<Record<string, readonly number[]>> = ${record(graph.outputs)};`,
  ];
  if (graph.inputs.length === 1 && graph.outputs.length === 1) {
    return [
      ...shapes,
      `/** Per-sample input shape (NHWC, no batch dimension). */`,
      `export const inputShape: readonly number[] = ${literal(shapeOf(graph.inputs[0]))};`,
      `export const outputShape: readonly number[] = ${literal(shapeOf(graph.outputs[0]))};`,
      `/** Runs the model (inference) on \`batch\` samples (NHWC, batch first); returns batch × outputShape floats in a fresh array, or in \`out\` when given (no allocation). */`,
      `export function forward(x: Float32Array, batch = 1, out?: Float32Array): Float32Array {\nreturn model.forward([x], batch, out && [out])[0];\n}`,
    ].join("\n");
  }
  return [
    ...shapes,
    `const INPUT_NAMES: readonly string[] = ${literal(names(graph.inputs))};`,
    `const OUTPUT_NAMES: readonly string[] = ${literal(names(graph.outputs))};`,
    `/** Runs the model (inference) on \`batch\` samples of every input (NHWC, batch first), keyed by input name; returns fresh arrays keyed by output name. */`,
    `export function forward(inputs: Readonly<Record<string, Float32Array>>, batch = 1): Record<string, Float32Array> {
  const missing = INPUT_NAMES.filter((name) => !(inputs[name] instanceof Float32Array));
  if (missing.length > 0) throw new Error(\`forward: missing input \${missing.map((name) => JSON.stringify(name)).join(", ")}; the model takes \${INPUT_NAMES.join(", ")}\`);
  const outputs = model.forward(INPUT_NAMES.map((name) => inputs[name]), batch);
  return Object.fromEntries(OUTPUT_NAMES.map((name, k) => [name, outputs[k]]));
}`,
  ].join("\n");
}

/**
 * `initialize(seed)`: the runtime's seeded initialisation (bit for bit what `netc train` starts
 * from with that seed); `saveWeights()`: the params as safetensors bytes that `netc predict
 * --weights` reads. Without embedded weights the module starts from the train section's seed,
 * never from zeros.
 */
function trainingWeightsCode(graph: Graph, initializeNow: boolean): string {
  const seed = graph.train?.seed ?? 0;
  return `
/** Sets every param to the runtime's seeded initialisation: the same values \`netc train\` starts from with this seed (the train section's seed, ${seed}, by default). */
export function initialize(seed = ${seed}): void {
  for (const [key, values] of initializeParams(PROGRAM, seed)) model.params.get(key)!.set(values);
  model.paramsChanged();
}

/** The params as a safetensors file's bytes (F32, keyed \`<layer>.<tensor>\`), loadable by \`netc predict --weights\` and loadWeights. */
export function saveWeights(): Uint8Array {
  return safetensorsBytes(model.params, PARAM_SHAPES, { model: modelName, format: "netc" });
}
${initializeNow ? "\ninitialize();" : ""}`;
}

export async function emitTs(
  graph: Graph,
  options: EmitOptions = {},
): Promise<string> {
  const train = options.train ?? false;
  if (train && !graph.train)
    throw new Error(
      `emitTs: ${graph.model} has no train section to compile --train from`,
    );
  if (train && (graph.inputs.length !== 1 || graph.outputs.length !== 1)) {
    throw new Error(
      `emitTs: ${graph.model} has ${graph.inputs.length} inputs and ${graph.outputs.length} outputs; ` +
        "--train supports exactly one of each (the train section's loss reads one output)",
    );
  }
  const maxBatch = options.maxBatch ?? (train ? graph.train!.batch : 1);
  if (!Number.isInteger(maxBatch) || maxBatch < 1)
    throw new Error(
      `emitTs: maxBatch must be a positive integer, got ${maxBatch}`,
    );
  const ops = [...new Set(graph.nodes.map((node) => node.attrs.op))].sort();
  const kernels = options.kernels ?? "auto";
  const withWasm = kernels !== "js";
  const kernelsUsed = modelKernels(ops);
  const roots: InlineRoot[] = [
    { path: runtimeFile("ops.ts"), names: ["Program"] },
    ...kernelsUsed.roots,
    { path: standaloneFile("kernel-table.ts"), names: ["kernelTable"] },
    {
      path: standaloneFile("compiled-model.ts"),
      names: [
        "CompiledModel",
        "readSafetensorsInto",
        ...(train ? ["safetensorsBytes"] : []),
        ...(options.embedWeights
          ? ["setParamsFromFlat", "decodeBase64Floats"]
          : []),
      ],
    },
    {
      path: standaloneFile("wasm-executor.ts"),
      names: [
        "KernelsInUse",
        ...(withWasm ? ["EmbeddedKernelModule", "embeddedWasmExecutors"] : []),
      ],
    },
    ...(train
      ? [
          ...trainRoots(),
          // initialize(seed): the runtime's seeded initialisation, inlined like the rest.
          { path: runtimeFile("init.ts"), names: ["initializeParams"] },
        ]
      : []),
  ];
  // Passed in as values: the model's kernels for the registry, and the embedded kernel
  // modules for the WebAssembly compiler.
  const bind = new Map<string, Binding>([
    [`${runtimeFile("reference/registry.ts")}#referenceKernels`, { global: "MODEL_KERNELS" }],
    [
      `${runtimeFile("wasm/gen/kernels-module.ts")}#compileKernelModule`,
      { path: standaloneFile("embedded-kernels.ts"), name: "compileKernelModule" },
    ],
  ]);
  const sources = inlineModules(roots, { bind, reserved: GENERATED_NAMES });
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
  const code = [
    `// Generated by netc compile: a standalone module for model ${literal(graph.model)}. Do not edit.`,
    "// NHWC Float32Arrays, batch first. The runtime's executor and kernels, inlined; WebAssembly SIMD kernels embedded.",
    sources,
    `/** The kernels of the ops this model uses. */\nconst MODEL_KERNELS = ${kernelsUsed.table};`,
    `const PROGRAM: Program = ${literal(program)};`,
    `const PARAM_SHAPES: Record<string, readonly number[]> = ${literal(paramShapes)};`,
    ...(withWasm
      ? [
          `/** The runtime's WebAssembly kernels, built by netc compile: best first. */\nconst KERNEL_MODULES: readonly EmbeddedKernelModule[] = ${kernelModules(kernels)};`,
        ]
      : []),
    `const model = new CompiledModel(PROGRAM, { maxBatch: ${maxBatch}, lossNode: ${train ? lossNodeOf(graph) : null}, seed: ${graph.train?.seed ?? 0}, wasm: ${withWasm ? "embeddedWasmExecutors(KERNEL_MODULES)" : "null"} });`,
    `export const modelName: string = ${literal(graph.model)};`,
    ioCode(graph),
    `export const paramCount = ${graph.totals.params};`,
    `/** Buffers are sized for this many samples: forward runs larger batches in chunks of it${train ? "; trainStep takes at most this many" : ""}. */\nexport const maxBatch = ${maxBatch};`,
    `/** Which kernels run here: WebAssembly SIMD with fused multiply-add ("wasm-fma"), plain SIMD ("wasm-simd"), or TypeScript ("js"). */\nexport const kernels: KernelsInUse = model.kernels;`,
    `/** Every param tensor (live views), keyed \`<layer>.<tensor>\` as in weights files; after writing them, call paramsChanged(). */\nexport const params: ReadonlyMap<string, Float32Array> = model.params;`,
    `/** Tells the module that \`params\` were written directly (loadWeights does it itself): folded batchnorms and packed weights are rebuilt. */\nexport function paramsChanged(): void {\nmodel.paramsChanged();\n}`,
    `/** Copies the weights in from a safetensors file's bytes (F32 tensors keyed \`<layer>.<tensor>\`). */\nexport function loadWeights(bytes: Uint8Array): void {\nreadSafetensorsInto(bytes, model.params, PARAM_SHAPES);\nmodel.paramsChanged();\n}`,
    ...(train ? [trainStepCode(graph), trainingWeightsCode(graph, !options.embedWeights)] : []),
    ...(options.embedWeights ? [embeddedWeights(graph, options.weights)] : []),
  ].join("\n\n");
  return formatTypeScript(code);
}
