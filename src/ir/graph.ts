// The checked, expanded model: the runtime's Program plus what the front end knows about each
// node (source span, parameter and MAC counts). Produced by src/check, consumed by backends.
import type { Span } from "../diagnostics/diagnostic.ts";
import type { Program, ProgramNode } from "../runtime/ops.ts";
import type { LossConfig } from "../runtime/train/losses.ts";
import type { MetricConfig } from "../runtime/train/metrics.ts";
import type { OptimizerConfig } from "../runtime/train/optimizers.ts";
import type { DecayConfig } from "../runtime/train/schedules.ts";

export interface GraphNode extends ProgramNode {
  /** The statement (op or block call) that produced this node; for nodes produced inside a
   * block, the span of the op inside the block body. */
  readonly span: Span;
  /** Span of the outermost call site in the model body (equal to `span` outside blocks). */
  readonly callSite: Span;
  /** The user's `-> label`, when this node's output carries one. */
  readonly label?: string;
  /** The block calls and repeat iterations this node was expanded in, outermost first
   * (absent for nodes written directly in the model body); for pictures and summaries. */
  readonly groups?: readonly GraphGroup[];
  readonly paramCount: number;
  readonly trainableParams: number;
  readonly macs: number;
}

/** One block call or one iteration of a `repeat`, as expanded; `id` is unique within a model. */
export interface GraphGroup {
  readonly id: number;
  readonly kind: "block" | "repeat";
  /** The block's name; "repeat" for a repeat iteration. */
  readonly name: string;
  /** The call statement, or the repeat statement. */
  readonly span: Span;
  /** Repeat iterations: which one (from 0) of how many. */
  readonly iteration?: number;
  readonly count?: number;
}

export interface GraphTotals {
  readonly params: number;
  readonly trainable: number;
  readonly nonTrainable: number;
  readonly macs: number;
  /** 4 bytes per parameter (fp32). */
  readonly paramBytes: number;
  /** Peak bytes of live activations for one sample in inference (see docs/memory.md). */
  readonly activationBytesInference: number;
  /** Bytes of activations kept for the backward pass, for one sample. */
  readonly activationBytesTraining: number;
}

/** A resolved `train` section (spec section 5); absent keys take the spec's defaults. */
export interface TrainConfig {
  readonly loss: LossConfig;
  readonly optimizer: OptimizerConfig;
  readonly decay: DecayConfig;
  readonly warmup: number;
  readonly decayPer: "epoch" | "step";
  readonly batch: number;
  readonly epochs: number;
  readonly shuffle: boolean;
  /** Random changes to each training sample (images only), drawn anew every step. */
  readonly augment: { readonly kind: "none" } | { readonly kind: "shift"; readonly pixels: number };
  readonly seed: number;
  readonly validation: number;
  readonly metrics: readonly MetricConfig[];
  readonly span: Span;
}

/** A resolved `predict` section (spec section 6). */
export interface PredictConfig {
  readonly tiles?: { readonly tile: number; readonly margin: number; readonly pad: "mirror" | "zero" };
  readonly batch?: number;
  readonly span: Span;
}

export interface Graph extends Program {
  readonly model: string;
  readonly nodes: readonly GraphNode[];
  readonly totals: GraphTotals;
  readonly train?: TrainConfig;
  readonly predict?: PredictConfig;
  /** Resolved values of the model's parameters (after --param overrides). */
  readonly params: Readonly<Record<string, number | string | boolean>>;
}
