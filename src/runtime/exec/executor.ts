// Runs a Program forward and backward over one pre-planned arena (plan.ts decides where every
// param, gradient, activation and scratch buffer lives; buffers whose lifetimes don't overlap
// share memory). The arena is allocated once and each node's kernel call is built once, so
// nothing is allocated per step.
import { jsBackend } from "./backend.ts";
import type { WasmMemory } from "../wasm/host/webassembly-api.ts";
import { createArena, existingArena } from "./arena.ts";
import type { BackwardCall, Kernel } from "../kernel.ts";
import { sizeOf } from "../kernel.ts";
import type { OpName, Program, ProgramNode } from "../ops.ts";
import type { BatchnormFold, PlanOptions } from "./plan.ts";
import { TokenRangeError } from "../reference/embedding.ts";
import { paramKey, planExecution } from "./plan.ts";
import type { RngState } from "../rng.ts";
import { Rng } from "../rng.ts";
import { backwardStep } from "./timeline.ts";
import type { Gemm } from "../gemm.ts";

export interface ExecutorOptions extends PlanOptions {
  /** Seed of the dropout generator (default 0); see `rngState` to save and restore it. */
  readonly seed?: number;
  /** Use this memory as the arena instead of allocating one — e.g. a shared memory that
   * WebAssembly kernels were already instantiated on (their set-up is asynchronous, so it
   * happens first, sized with `planMemory`). It must hold `planMemory(...).totalBytes`. */
  readonly memory?: WasmMemory;
}

export interface Executor {
  readonly program: Program;
  readonly maxBatch: number;
  /** Whether forward runs in training mode (batch statistics, dropout). A training executor can
   * be switched to eval mode and back; an inference executor cannot enter training mode. */
  training: boolean;
  /** Live views into the arena, keyed `<layer>.<tensor>`; writing them changes the model. */
  readonly params: ReadonlyMap<string, Float32Array>;
  /** Gradient views for the trainable params (same keys); empty for inference executors. */
  readonly grads: ReadonlyMap<string, Float32Array>;
  /** All trainable params as one array, and their grads in the same order (padding between
   * tensors stays 0), so an optimizer can update everything in one loop. */
  readonly trainableParams: Float32Array;
  readonly trainableGrads: Float32Array;
  /** The arena as WebAssembly memory (null if it had to be a plain ArrayBuffer). */
  readonly memory: WasmMemory | null;
  readonly arenaBytes: number;
  /** The dropout generator's state; set it to replay the same masks. */
  rngState: RngState;
  /** Copies every param in (shapes are checked); missing keys are an error. */
  setParams(map: ReadonlyMap<string, Float32Array>): void;
  /** Tells an inference executor that `params` were written directly (setParams tells it
   * itself): it rebuilds what it derives from them — batchnorm folded into the preceding
   * layer's weights, the backend's packed weight panels — before the next forward. */
  paramsChanged(): void;
  /** Returns one view per program output, valid until the next forward (backward keeps them). */
  forward(inputs: readonly Float32Array[], batch: number): Float32Array[];
  /** Back-propagates from the outputs of the last training-executor forward (once per forward);
   * param gradients accumulate until zeroGrads. */
  backward(outputGrads: readonly Float32Array[]): void;
  zeroGrads(): void;
  /** Gradients with respect to the program inputs after backward (needs `inputGrads: true`). */
  inputGrads(): Float32Array[];
}

/** A node's call record, built once; forward/backward only update batch and training. */
interface NodeCall extends BackwardCall<OpName> {
  batch: number;
  training: boolean;
}

interface PlannedNode {
  readonly node: ProgramNode;
  readonly kernel: Kernel<OpName>;
  readonly call: NodeCall;
  /** False for input nodes (forward copies them in) and activations fused into their producer. */
  readonly runs: boolean;
}

/** A layer's weights with its batchnorm folded in, and where they come from. */
interface FoldedWeights {
  readonly kernel: Float32Array;
  readonly bias: Float32Array;
  readonly source: readonly Float32Array[];
  /** gamma, beta, mean, var */
  readonly stats: readonly Float32Array[];
  readonly eps: number;
}

const EMPTY = new Float32Array(0);

export function createExecutor(program: Program, options: ExecutorOptions): Executor {
  return new PlannedExecutor(program, options);
}

class PlannedExecutor implements Executor {
  readonly program: Program;
  readonly maxBatch: number;
  readonly params = new Map<string, Float32Array>();
  readonly grads = new Map<string, Float32Array>();
  readonly trainableParams: Float32Array;
  readonly trainableGrads: Float32Array;
  readonly memory: WasmMemory | null;
  readonly arenaBytes: number;
  private readonly canTrain: boolean;
  private mode: boolean;
  private readonly rng: Rng;
  private readonly planned: PlannedNode[];
  private readonly activations: Float32Array[];
  private readonly activationGrads: (Float32Array | null)[];
  private readonly needsGrad: readonly boolean[];
  /** Gradient buffers to zero right before each backward step (they share memory). */
  private readonly zeroAt: number[][];
  private readonly wantInputGrads: boolean;
  private lastBatch = 0;
  private backwardReady = false;
  private readonly gemm: Gemm;
  private readonly folded: FoldedWeights[];
  private paramsDirty = true;

  constructor(program: Program, options: ExecutorOptions) {
    const backend = options.backend ?? jsBackend;
    const wantInputGrads = options.training && (options.inputGrads ?? false);
    const plan = planExecution(program, { ...options, backend, inputGrads: wantInputGrads });
    const { timeline, placement, params: layout } = plan;
    const { lifetimes } = timeline;
    const nodes = program.nodes;
    const n = nodes.length;
    this.program = program;
    this.maxBatch = options.maxBatch;
    this.canTrain = options.training;
    this.mode = options.training;
    this.wantInputGrads = wantInputGrads;
    this.rng = new Rng(options.seed ?? 0);
    this.needsGrad = plan.needsGrad;

    const arena = options.memory
      ? existingArena(options.memory, 4 * plan.totalFloats)
      : createArena(4 * plan.totalFloats, backend.sharedMemory);
    this.memory = arena.memory;
    this.arenaBytes = 4 * plan.totalFloats;
    const view = (offset: number, size: number) => new Float32Array(arena.buffer, 4 * offset, size);
    const slotView = (slot: number) =>
      lifetimes[slot].size === 0 ? EMPTY : view(plan.timelineBase + placement.offsets[slot], lifetimes[slot].size);
    // Inference params (and folded weights) change only through setParams/paramsChanged, so a
    // backend may cache what it derives from them.
    const gemm = backend.bind({
      memory: arena.memory,
      workspaceOffset: 4 * plan.workspaceBase,
      workspaceBytes: backend.workspaceBytes,
      constantBytes: options.training ? 0 : 4 * plan.scratchBase,
    });
    this.gemm = gemm;
    this.trainableParams = view(0, layout.trainableFloats);
    this.trainableGrads = options.training ? view(layout.gradBase, layout.trainableFloats) : EMPTY;
    const scratch = view(plan.scratchBase, plan.scratchFloats);

    this.activations = timeline.activation.map(slotView);
    plan.sharesBufferOf.forEach((producer, i) => {
      if (producer >= 0) this.activations[i] = this.activations[producer];
    });
    // One view per slot: nodes whose gradients alias (a residual add's inputs) share the very
    // array, which is how the add kernels know to skip them; each slot is zeroed once.
    const gradViews = new Map<number, Float32Array>();
    this.activationGrads = timeline.grad.map((slot) => {
      if (slot < 0) return null;
      if (!gradViews.has(slot)) gradViews.set(slot, slotView(slot));
      return gradViews.get(slot)!;
    });
    this.zeroAt = Array.from({ length: 2 * n }, () => [] as number[]);
    const zeroed = new Set<number>();
    timeline.grad.forEach((slot, i) => {
      if (slot < 0 || zeroed.has(slot)) return;
      zeroed.add(slot);
      this.zeroAt[lifetimes[slot].start].push(i);
    });

    const foldOf = new Map<number, BatchnormFold>(plan.folds.map((f) => [f.layer, f]));
    this.planned = nodes.map((node, i) => {
      const paramViews: Float32Array[] = [];
      const gradViews: (Float32Array | null)[] = [];
      for (const spec of plan.specs[i]) {
        // A shared tensor (tied weights) is its owner's, gradient included: both accumulate.
        const key = paramKey(node, spec);
        const offset = layout.offsets.get(key)!;
        const size = sizeOf(spec.shape);
        const values = view(offset, size);
        this.params.set(key, values);
        paramViews.push(values);
        if (spec.trainable && options.training) {
          const grad = view(layout.gradBase + offset, size);
          this.grads.set(key, grad);
          gradViews.push(grad);
        } else {
          gradViews.push(null);
        }
      }
      const fold = foldOf.get(i);
      const call: NodeCall = {
        attrs: node.attrs,
        batch: 0,
        inShapes: plan.inShapes[i],
        outShape: node.shape,
        inputs: node.inputs.map((id) => this.activations[id]),
        output: this.activations[i],
        params: fold ? [view(fold.kernelOffset, paramViews[0].length), view(fold.biasOffset, node.shape[node.shape.length - 1])] : paramViews,
        saved: slotView(timeline.saved[i]),
        scratch,
        training: false,
        rng: this.rng,
        gemm,
        activation: plan.fusedActivation[i],
        outGrad: this.activationGrads[i] ?? EMPTY,
        inGrads: node.inputs.map((id) => this.activationGrads[id]),
        paramGrads: gradViews,
      };
      const runs = node.attrs.op !== "input" && plan.sharesBufferOf[i] < 0;
      return { node, kernel: plan.kernels[i], call, runs };
    });
    this.folded = plan.folds.map(({ layer, batchnorm }) => {
      const bn = nodes[batchnorm].attrs;
      return {
        kernel: this.planned[layer].call.params[0],
        bias: this.planned[layer].call.params[1],
        source: plan.specs[layer].map((spec) => this.params.get(`${nodes[layer].name}.${spec.name}`)!),
        stats: ["gamma", "beta", "mean", "var"].map((name) => this.params.get(`${nodes[batchnorm].name}.${name}`)!),
        eps: bn.op === "batchnorm" ? bn.eps : 0,
      };
    });
  }

  get training(): boolean {
    return this.mode;
  }

  set training(on: boolean) {
    if (on && !this.canTrain) {
      throw new Error("this executor was created for inference; create it with { training: true } to train");
    }
    this.mode = on;
  }

  get rngState(): RngState {
    return this.rng.state;
  }

  set rngState(state: RngState) {
    this.rng.state = state;
  }

  setParams(map: ReadonlyMap<string, Float32Array>): void {
    for (const [key, target] of this.params) {
      const source = map.get(key);
      if (!source) {
        throw new Error(
          `setParams: missing tensor "${key}" (${target.length} floats); the model needs: ${[...this.params.keys()].join(", ")}`,
        );
      }
      if (source.length !== target.length) {
        throw new Error(`setParams: "${key}" has ${source.length} floats, expected ${target.length}`);
      }
      target.set(source);
    }
    this.paramsChanged();
  }

  paramsChanged(): void {
    this.paramsDirty = true;
    this.gemm.paramsChanged?.();
  }

  /** y = γ·(W·x + b − μ)/√(σ² + ε) + β = (s·W)·x + (s·(b − μ) + β) with s = γ/√(σ² + ε), per
   * output channel (the weights' last axis). */
  private foldBatchnorms(): void {
    for (const { kernel, bias, source, stats, eps } of this.folded) {
      const [gamma, beta, mean, variance] = stats;
      const channels = bias.length;
      const scale = new Float64Array(channels);
      for (let c = 0; c < channels; c++) {
        scale[c] = gamma[c] / Math.sqrt(variance[c] + eps);
        bias[c] = ((source[1]?.[c] ?? 0) - mean[c]) * scale[c] + beta[c];
      }
      const weights = source[0];
      for (let i = 0; i < weights.length; i += channels) {
        for (let c = 0; c < channels; c++) kernel[i + c] = weights[i + c] * scale[c];
      }
    }
  }

  forward(inputs: readonly Float32Array[], batch: number): Float32Array[] {
    const { program } = this;
    if (!Number.isInteger(batch) || batch < 1 || batch > this.maxBatch) {
      throw new Error(
        `forward: batch must be an integer in 1..${this.maxBatch} (the executor's maxBatch), got ${batch}`,
      );
    }
    if (inputs.length !== program.inputs.length) {
      throw new Error(`forward: the program has ${program.inputs.length} input(s), got ${inputs.length}`);
    }
    program.inputs.forEach((id, k) => {
      const expected = batch * sizeOf(program.nodes[id].shape);
      if (inputs[k].length !== expected) {
        throw new Error(
          `forward: input ${k} ("${program.nodes[id].name}") has ${inputs[k].length} floats, expected ` +
            `${expected} = batch ${batch} × [${program.nodes[id].shape.join(", ")}] (NHWC, batch first)`,
        );
      }
      this.activations[id].set(inputs[k]);
    });
    if (this.paramsDirty) {
      this.foldBatchnorms();
      this.paramsDirty = false;
    }
    for (const { node, kernel, call, runs } of this.planned) {
      call.batch = batch;
      call.training = this.mode;
      try {
        if (runs) kernel.forward(call);
      } catch (error) {
        throw error instanceof TokenRangeError ? error.inLayer(node.name) : error;
      }
    }
    this.lastBatch = batch;
    this.backwardReady = this.canTrain;
    return program.outputs.map((id) => this.activations[id].subarray(0, batch * sizeOf(program.nodes[id].shape)));
  }

  backward(outputGrads: readonly Float32Array[]): void {
    const { program } = this;
    if (!this.backwardReady) {
      throw new Error(
        this.canTrain
          ? "backward: call forward first (each forward allows one backward; backward reuses activation memory)"
          : "backward: this executor was created for inference; create it with { training: true }",
      );
    }
    this.backwardReady = false;
    const batch = this.lastBatch;
    if (outputGrads.length !== program.outputs.length) {
      throw new Error(
        `backward: the program has ${program.outputs.length} output(s), got ${outputGrads.length} gradients`,
      );
    }
    const n = program.nodes.length;
    for (let i = n - 1; i >= 0; i--) {
      const step = backwardStep(n, i);
      for (const j of this.zeroAt[step]) this.activationGrads[j]!.fill(0, 0, batch * sizeOf(program.nodes[j].shape));
      if (i === n - 1) this.seedOutputGrads(outputGrads, batch);
      const { node, kernel, call } = this.planned[i];
      if (this.needsGrad[node.id] && node.attrs.op !== "input") kernel.backward(call);
    }
  }

  private seedOutputGrads(outputGrads: readonly Float32Array[], batch: number): void {
    this.program.outputs.forEach((id, k) => {
      const node = this.program.nodes[id];
      const expected = batch * sizeOf(node.shape);
      if (outputGrads[k].length !== expected) {
        throw new Error(
          `backward: gradient ${k} (output "${node.name}") has ${outputGrads[k].length} floats, expected ` +
            `${expected} = batch ${batch} × [${node.shape.join(", ")}]`,
        );
      }
      const grad = this.activationGrads[id]!;
      for (let j = 0; j < expected; j++) grad[j] += outputGrads[k][j];
    });
  }

  zeroGrads(): void {
    this.trainableGrads.fill(0);
  }

  inputGrads(): Float32Array[] {
    if (!this.wantInputGrads) {
      throw new Error("inputGrads: create the executor with { training: true, inputGrads: true }");
    }
    return this.program.inputs.map((id) =>
      this.activationGrads[id]!.subarray(0, this.lastBatch * sizeOf(this.program.nodes[id].shape)),
    );
  }
}
