// Everything the executor decides before allocating: each node's kernel and param specs, which
// nodes back-propagation reaches, where params, scratch, the backend's workspace and every
// activation/gradient/saved buffer live in the arena. `planMemory` reports the sizes without
// allocating (e.g. for `netc summary`).
import type { Backend } from "./backend.ts";
import type { FusedActivation } from "../gemm.ts";
import { jsBackend } from "./backend.ts";
import type { Kernel, KernelParam, KernelTable, Shape, SizeQuery } from "../kernel.ts";
import { sizeOf } from "../kernel.ts";
import { referenceKernels } from "../reference/registry.ts";
import type { Placement } from "./memory-plan.ts";
import { align4, planOffsets } from "./memory-plan.ts";
import type { OpName, ParamSpec, Program, ProgramNode } from "../ops.ts";
import type { ParamLayout } from "./param-layout.ts";
import { layoutParams } from "./param-layout.ts";
import type { Timeline } from "./timeline.ts";
import { planTimeline } from "./timeline.ts";

export interface PlanOptions {
  /** The largest batch forward will be called with; buffers are sized for it. */
  readonly maxBatch: number;
  /** Plan for backward (keep what it reads, allocate gradients). */
  readonly training: boolean;
  /** Also compute gradients with respect to the program inputs (`inputGrads()`). */
  readonly inputGrads?: boolean;
  /** Supplies the GEMM every conv/pointwise/dense kernel calls, and optionally whole kernels,
   * bound to the executor's arena (default: pure JavaScript). */
  readonly backend?: Backend;
  /** Per-op kernel replacements applied over the backend's (e.g. for profiling). */
  readonly kernels?: Partial<KernelTable>;
}

export interface ExecutionPlan {
  readonly kernels: readonly Kernel<OpName>[];
  readonly inShapes: readonly (readonly Shape[])[];
  /** Each node's params in its kernel's order (shared ones name their owner). */
  readonly specs: readonly (readonly KernelParam[])[];
  readonly needsGrad: readonly boolean[];
  /** Inference only: the relu/relu6 a node applies itself, and — for that activation node —
   * the node whose buffer it shares (it does not run); −1 elsewhere. */
  readonly fusedActivation: readonly (FusedActivation | null)[];
  readonly sharesBufferOf: readonly number[];
  /** Inference only: conv/depthwise/pointwise layers whose batchnorm (their only reader) is
   * folded into their weights, which live at these float offsets in the arena. */
  readonly folds: readonly BatchnormFold[];
  readonly params: ParamLayout;
  /** Float offsets in the arena. */
  readonly scratchBase: number;
  readonly scratchFloats: number;
  readonly workspaceBase: number;
  readonly timelineBase: number;
  readonly timeline: Timeline;
  readonly placement: Placement;
  readonly totalFloats: number;
}

export interface BatchnormFold {
  readonly layer: number;
  readonly batchnorm: number;
  /** Float offsets of the folded kernel (the layer's kernel shape) and bias ([channels]). */
  readonly kernelOffset: number;
  readonly biasOffset: number;
}

/** Byte sizes of an executor's arena, by region. */
export interface MemoryPlan {
  /** All param tensors (trainable and running stats). */
  readonly paramBytes: number;
  /** Gradients of the trainable params (0 for inference). */
  readonly gradBytes: number;
  readonly scratchBytes: number;
  /** Activations, activation gradients and kept state, after reuse. */
  readonly activationBytes: number;
  readonly totalBytes: number;
}

export function planExecution(program: Program, options: PlanOptions): ExecutionPlan {
  if (!Number.isInteger(options.maxBatch) || options.maxBatch < 1) {
    throw new Error(`createExecutor: maxBatch must be a positive integer, got ${options.maxBatch}`);
  }
  const { maxBatch, training } = options;
  const backend = options.backend ?? jsBackend;
  const table: KernelTable = { ...referenceKernels, ...backend.kernels, ...options.kernels };
  const nodes = program.nodes;
  checkStructure(program);
  const kernels = nodes.map((node) => table[node.attrs.op] as Kernel<OpName>);
  const inShapes = nodes.map((node) => node.inputs.map((id) => nodes[id].shape));
  const specs = nodes.map((node, i) => checkedParamSpecs(node, kernels[i].params(node.attrs, inShapes[i])));
  checkSharedParams(nodes, specs);
  const query = (i: number): SizeQuery<OpName> => ({
    attrs: nodes[i].attrs,
    inShapes: inShapes[i],
    outShape: nodes[i].shape,
    maxBatch,
    training,
  });

  // Back-propagation reaches the nodes an output depends on.
  const consumers = nodes.map(() => [] as number[]);
  nodes.forEach((node) => node.inputs.forEach((id) => consumers[id].push(node.id)));
  const isOutput = nodes.map((node) => program.outputs.includes(node.id));
  const needsGrad = new Array<boolean>(nodes.length).fill(false);
  for (let i = nodes.length - 1; i >= 0; i--) {
    needsGrad[i] = training && (isOutput[i] || consumers[i].some((j) => needsGrad[j]));
  }

  // A shared tensor lives once, with its owner.
  const params = layoutParams(
    nodes.map((node, i) => ({ name: node.name, specs: specs[i].filter((spec) => spec.owner === undefined) })),
    training,
  );
  const { fusedActivation, sharesBufferOf, folded } = fuseLayers(program, kernels, consumers, isOutput, training);
  let foldEnd = params.totalFloats;
  const folds = folded.map(([layer, batchnorm]): BatchnormFold => {
    const kernelOffset = foldEnd;
    const biasOffset = kernelOffset + align4(sizeOf(specs[layer][0].shape));
    foldEnd = biasOffset + align4(nodes[layer].shape[nodes[layer].shape.length - 1]);
    return { layer, batchnorm, kernelOffset, biasOffset };
  });
  const scratchBase = foldEnd;
  const scratchFloats = align4(Math.max(0, ...kernels.map((k, i) => k.scratchSize?.(query(i)) ?? 0)));
  const workspaceBase = scratchBase + scratchFloats;
  const timelineBase = align4(workspaceBase + Math.ceil(backend.workspaceBytes / 4));

  const gradAliasOf = training ? residualGradAliases(program, consumers, isOutput, needsGrad) : [];
  const timeline = planTimeline(
    nodes.map((node, i) => {
      const reads = kernels[i].backwardReads ?? { inputs: true, output: true };
      const isInput = node.attrs.op === "input";
      // A fused chain is one buffer: the producer's, living as long as the chain's last node's.
      let fusedWith: number | undefined;
      for (let j = consumers[i].find((c) => sharesBufferOf[c] === i); j !== undefined; j = consumers[j].find((c) => sharesBufferOf[c] === i)) {
        fusedWith = j;
      }
      const shared = sharesBufferOf[i] >= 0;
      return {
        outputFloats: shared ? 0 : maxBatch * sizeOf(node.shape),
        savedFloats: kernels[i].savedSize?.(query(i)) ?? 0,
        isInput,
        isOutput: fusedWith === undefined ? isOutput[i] : isOutput[fusedWith],
        needsGrad: needsGrad[i],
        hasGrad: needsGrad[i] && (!isInput || (options.inputGrads ?? false)),
        readsInputs: reads.inputs,
        readsOutput: reads.output,
        consumers: fusedWith === undefined ? consumers[i] : consumers[fusedWith],
        gradAliasOf: gradAliasOf[i] ?? -1,
      };
    }),
  );
  const placement = planOffsets(timeline.lifetimes);
  return {
    kernels,
    inShapes,
    specs,
    needsGrad,
    fusedActivation,
    sharesBufferOf,
    folds,
    params,
    scratchBase,
    scratchFloats,
    workspaceBase,
    timelineBase,
    timeline,
    placement,
    totalFloats: timelineBase + placement.total,
  };
}

/** The arena an executor with these options would allocate, by region, without allocating it. */
export function planMemory(program: Program, options: PlanOptions): MemoryPlan {
  const plan = planExecution(program, options);
  const gradFloats = options.training ? plan.params.trainableFloats : 0;
  return {
    paramBytes: 4 * (plan.params.totalFloats - gradFloats),
    gradBytes: 4 * gradFloats,
    scratchBytes: 4 * (plan.timelineBase - plan.params.totalFloats),
    activationBytes: 4 * plan.placement.total,
    totalBytes: 4 * plan.totalFloats,
  };
}

/**
 * In training: the gradient of an `add`'s input is the add's output gradient itself when the add
 * is the input's only reader and stretched nothing (a residual sum), so those inputs share the
 * add's gradient buffer and its backward copies nothing (the add kernels skip an input whose
 * gradient is their output gradient). −1 where a node keeps its own.
 */
function residualGradAliases(
  program: Program,
  consumers: readonly number[][],
  isOutput: readonly boolean[],
  needsGrad: readonly boolean[],
): number[] {
  const alias = program.nodes.map(() => -1);
  for (const node of program.nodes) {
    if (node.attrs.op !== "add" || !needsGrad[node.id]) continue;
    const size = sizeOf(node.shape);
    const distinct = new Set(node.inputs).size === node.inputs.length;
    for (const id of node.inputs) {
      const input = program.nodes[id];
      const sole = consumers[id].length === 1 && !isOutput[id] && input.attrs.op !== "input";
      if (distinct && sole && needsGrad[id] && sizeOf(input.shape) === size) alias[id] = node.id;
    }
  }
  return alias;
}

/** Layers whose weights a following inference batchnorm folds into (per output channel). */
const FOLDS_BATCHNORM = new Set<OpName>(["conv", "depthwise", "pointwise"]);

/**
 * In inference: a conv, depthwise or pointwise layer whose only reader is a batchnorm absorbs it
 * (the executor folds the statistics into a copy of its weights), and a layer that can (conv,
 * pointwise, depthwise, separable and dense in their GEMM epilogue, batchnorm) applies the relu
 * or relu6 that is its only reader (after an absorbed batchnorm too). Absorbed nodes share the
 * layer's buffer and are skipped.
 */
function fuseLayers(
  program: Program,
  kernels: readonly Kernel<OpName>[],
  consumers: readonly number[][],
  isOutput: readonly boolean[],
  training: boolean,
): { fusedActivation: (FusedActivation | null)[]; sharesBufferOf: number[]; folded: [number, number][] } {
  const fusedActivation = program.nodes.map((): FusedActivation | null => null);
  const sharesBufferOf = program.nodes.map(() => -1);
  const folded: [number, number][] = [];
  if (training) return { fusedActivation, sharesBufferOf, folded };
  const soleReader = (i: number, ops: readonly string[]): number => {
    if (isOutput[i] || consumers[i].length !== 1) return -1;
    const next = consumers[i][0];
    return ops.includes(program.nodes[next].attrs.op) ? next : -1;
  };
  program.nodes.forEach((node, i) => {
    if (sharesBufferOf[i] >= 0) return;
    let last = i;
    if (FOLDS_BATCHNORM.has(node.attrs.op)) {
      const bn = soleReader(i, ["batchnorm"]);
      if (bn >= 0) {
        folded.push([i, bn]);
        sharesBufferOf[bn] = i;
        last = bn;
      }
    }
    if (!kernels[i].fusesActivation) return;
    const act = soleReader(last, ["relu", "relu6"]);
    if (act < 0) return;
    fusedActivation[i] = program.nodes[act].attrs.op as FusedActivation;
    sharesBufferOf[act] = i;
  });
  return { fusedActivation, sharesBufferOf, folded };
}

/** Ids equal indices, nodes come after their inputs, and inputs/outputs name real nodes. */
function checkStructure(program: Program): void {
  const { nodes } = program;
  nodes.forEach((node, i) => {
    if (node.id !== i) {
      throw new Error(`program node ${node.name} has id ${node.id} but sits at index ${i}; ids must be indices`);
    }
    for (const id of node.inputs) {
      if (!(id >= 0 && id < i)) {
        throw new Error(`program node ${node.name} (#${i}) reads node ${id}; nodes must come after their inputs`);
      }
    }
  });
  for (const id of program.inputs) {
    if (nodes[id]?.attrs.op !== "input") throw new Error(`program input ${id} is not an input node`);
  }
  for (const id of program.outputs) {
    if (!nodes[id]) throw new Error(`program output ${id} does not exist (the program has ${nodes.length} nodes)`);
  }
}

/** The key of a param in the weights and the executor's maps: its owner's. */
export function paramKey(node: ProgramNode, spec: KernelParam): string {
  return `${spec.owner ?? node.name}.${spec.name}`;
}

/** Every shared param names a layer that has a tensor of that name, shape and trainability. */
function checkSharedParams(nodes: readonly ProgramNode[], specs: readonly (readonly KernelParam[])[]): void {
  nodes.forEach((node, i) => {
    for (const spec of specs[i]) {
      if (spec.owner === undefined) continue;
      const j = nodes.findIndex((other) => other.name === spec.owner);
      const owned = j >= 0 ? specs[j].find((s) => s.name === spec.name && s.owner === undefined) : undefined;
      const agrees =
        owned !== undefined &&
        owned.trainable === spec.trainable &&
        owned.shape.length === spec.shape.length &&
        owned.shape.every((d, k) => d === spec.shape[k]);
      if (!agrees) {
        throw new Error(
          `${node.name} (${node.attrs.op}) shares "${spec.owner}.${spec.name}" [${spec.shape.join(", ")}], ` +
            `but ${j < 0 ? "no layer has that name" : `that layer has ${owned ? `[${owned.shape.join(", ")}]` : "no such tensor"}`}`,
        );
      }
    }
  });
}

/** The node's params as the kernel orders them, after checking its own agree with the
 * program's (shared ones are listed by their owner). */
function checkedParamSpecs(node: ProgramNode, all: KernelParam[]): KernelParam[] {
  const expected = all.filter((spec) => spec.owner === undefined);
  const describe = (list: readonly ParamSpec[]) =>
    list.map((s) => `${s.name} [${s.shape.join(", ")}]${s.trainable ? "" : " (non-trainable)"}`).join(", ") || "none";
  const agrees =
    expected.length === node.params.length &&
    expected.every((spec) => {
      const given = node.params.find((p) => p.name === spec.name);
      return (
        given !== undefined &&
        given.trainable === spec.trainable &&
        given.shape.length === spec.shape.length &&
        given.shape.every((d, k) => d === spec.shape[k])
      );
    });
  if (!agrees) {
    throw new Error(
      `${node.name} (${node.attrs.op}): the program lists params ${describe(node.params)} but the kernel expects ${describe(expected)}`,
    );
  }
  return all;
}
