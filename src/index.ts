// The programmatic API: `import { compile } from "netc"`.
//
//   const model = compile(source, { params: { alpha: 0.5 } });
//   model.initialize(42);                       // or model.loadWeights("w.safetensors")
//   const y = await model.forward(x, batch);    // NHWC, batch first
//   await model.fit({ train, validation }, { epochs: 3, onEpoch: console.log });
//   model.saveWeights("w.safetensors");
import { check, type ParamValue } from "./check/index.ts";
import type { Diagnostic } from "./diagnostics/diagnostic.ts";
import { renderDiagnostics } from "./diagnostics/render.ts";
import type { Graph, TrainConfig } from "./ir/graph.ts";
import { parseSafetensors, readSafetensors, serializeSafetensors, type TensorData } from "./io/safetensors.ts";
import { concatBytes } from "./io/bytes.ts";
import { checkWeights, weightSpecs } from "./io/weights.ts";
import type { DataSplit } from "./data/dataset.ts";
import { saveWeights, train, weightsOf, type TrainOptions, type TrainResult } from "./backends/interpret/trainer.ts";
import { createWasmExecutor, initializeParams, type WasmExecutor } from "./runtime/index.ts";
import { parse } from "./syntax/parse.ts";

export type { Diagnostic } from "./diagnostics/diagnostic.ts";
export type { Graph, TrainConfig } from "./ir/graph.ts";
export type { Dataset, DataSplit, Labels } from "./data/dataset.ts";
export type { EpochReport, StepProgress, TrainResult } from "./backends/interpret/trainer.ts";
export { TrainingDivergedError } from "./backends/interpret/trainer.ts";
export { parse } from "./syntax/parse.ts";
export { check } from "./check/index.ts";
export { loadData } from "./data/load-data.ts";

export interface CompileOptions {
  /** The model to compile when the source holds several. */
  readonly model?: string;
  readonly params?: Record<string, ParamValue>;
  /** File name used in error messages. */
  readonly file?: string;
}

/** The source has errors; `diagnostics` holds them and `message` shows them as `netc check` does. */
export class CompileError extends Error {
  override readonly name = "CompileError";
  constructor(
    readonly diagnostics: readonly Diagnostic[],
    message: string,
  ) {
    super(message);
  }
}

export function compile(source: string, options: CompileOptions = {}): Model {
  return new Model(compileGraph(source, options));
}

/** The checked graph alone, without a Model's initialised weights (which a large model makes
 * costly): for looking at a model — its totals, its train section — before running it. */
export function compileGraph(source: string, options: CompileOptions = {}): Graph {
  const file = options.file ?? "<source>";
  const parsed = parse(source);
  const checked = check(parsed.program, { ...(options.model ? { model: options.model } : {}), params: options.params ?? {} });
  const errors = [...parsed.diagnostics, ...checked.diagnostics].filter((d) => d.severity === "error");
  if (errors.length > 0) throw new CompileError(errors, renderDiagnostics(file, source, errors));
  const graphs = [...checked.graphs.values()];
  const graph = options.model ? checked.graphs.get(options.model) : graphs.length === 1 ? graphs[0] : undefined;
  if (!graph)
    throw new CompileError(
      [],
      options.model
        ? `${file} has no model '${options.model}'`
        : `${file} holds ${graphs.length} models (${[...checked.graphs.keys()].join(", ")}); pass { model }`,
    );
  return graph;
}

export interface FitOptions extends Pick<TrainOptions, "onProgress" | "onEpoch" | "shouldStop" | "betweenSteps" | "threads" | "checkpointPath" | "resumeFrom"> {
  /** Overrides of the train section (epochs, batch, optimizer, ...). */
  readonly config?: Partial<TrainConfig>;
}

export class Model {
  private weights: Map<string, Float32Array>;
  private runner: WasmExecutor | undefined;

  constructor(readonly graph: Graph) {
    this.weights = initializeParams(graph, 0);
  }

  get inputShape(): readonly number[] {
    return this.graph.nodes[this.graph.inputs[0]].shape;
  }

  get outputShape(): readonly number[] {
    return this.graph.nodes[this.graph.outputs[0]].shape;
  }

  get paramCount(): number {
    return this.graph.totals.params;
  }

  /** Seeded He/Glorot initialisation: the same seed gives bit-identical weights. */
  initialize(seed: number): void {
    this.weights = initializeParams(this.graph, seed);
    this.runner?.executor.setParams(this.weights);
  }

  /** Weights from a safetensors file path or its bytes; every tensor is checked against the model. */
  loadWeights(source: string | Uint8Array): void {
    const { tensors } =
      typeof source === "string"
        ? readSafetensors(source, { checkFinite: true })
        : parseSafetensors(source, "<bytes>", { checkFinite: true });
    checkWeights(tensors, weightSpecs(this.graph), typeof source === "string" ? source : "<bytes>");
    this.weights = new Map([...tensors].map(([key, t]) => [key, t.data]));
    this.runner?.executor.setParams(this.weights);
  }

  /** Copies of every parameter, keyed `<layer>.<tensor>` with the spec's shapes. */
  getWeights(): Map<string, TensorData> {
    return weightsOf(this.graph, this.weights);
  }

  /** Written atomically. */
  saveWeights(path: string): void {
    saveWeights(path, this.getWeights(), this.graph.model);
  }

  /** The weights as a safetensors file's bytes (what saveWeights writes), e.g. for a download. */
  weightsBytes(): Uint8Array {
    return concatBytes(serializeSafetensors(this.getWeights(), { model: this.graph.model, format: "netc" }));
  }

  /** Inference on `batch` samples laid out NHWC, batch first. */
  async forward(x: Float32Array, batch = 1): Promise<Float32Array> {
    const perSample = this.inputShape.reduce((a, b) => a * b, 1);
    if (x.length !== batch * perSample)
      throw new RangeError(`forward: expected ${batch}·${perSample} = ${batch * perSample} values for ${batch} × [${this.inputShape.join(", ")}], got ${x.length}`);
    if (!this.runner || this.runner.executor.maxBatch < batch) {
      await this.runner?.dispose();
      this.runner = await createWasmExecutor(this.graph, { maxBatch: batch, training: false });
      this.runner.executor.setParams(this.weights);
    }
    return this.runner.executor.forward([x], batch)[0].slice(0, batch * this.outputShape.reduce((a, b) => a * b, 1));
  }

  /** Trains per the model's train section (with overrides); the model keeps the trained weights. */
  async fit(data: DataSplit, options: FitOptions = {}): Promise<TrainResult> {
    if (!this.graph.train && !options.config)
      throw new Error(`model ${this.graph.model} has no train section; pass options.config`);
    const config = { ...this.graph.train, ...options.config } as TrainConfig;
    const result = await train({ ...options, graph: this.graph, config, data, init: this.weights });
    this.weights = new Map([...result.weights].map(([key, t]) => [key, t.data]));
    this.runner?.executor.setParams(this.weights);
    return result;
  }

  /** Frees the WebAssembly kernels' helper thread, if any. */
  async dispose(): Promise<void> {
    await this.runner?.dispose();
    this.runner = undefined;
  }
}
