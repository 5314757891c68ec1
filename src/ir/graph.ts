// The checked, expanded model: the runtime's Program plus what the front end knows about each
// node (source span, parameter and MAC counts). Produced by src/check, consumed by backends.
import type { Span } from "../diagnostics/diagnostic.ts";
import type { Program, ProgramNode } from "../runtime/ops.ts";

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
  readonly loss:
    | { readonly kind: "cross_entropy"; readonly labelSmoothing: number }
    | { readonly kind: "binary_cross_entropy" }
    | { readonly kind: "kl_divergence" }
    | { readonly kind: "mse" }
    | { readonly kind: "dice"; readonly smooth: number };
  readonly optimizer:
    | {
        readonly kind: "sgd";
        readonly lr: number;
        readonly momentum: number;
        readonly nesterov: boolean;
        readonly weightDecay: number;
      }
    | {
        readonly kind: "rmsprop";
        readonly lr: number;
        readonly alpha: number;
        readonly eps: number;
        readonly momentum: number;
        readonly weightDecay: number;
      }
    | {
        readonly kind: "adam" | "adamw";
        readonly lr: number;
        readonly beta1: number;
        readonly beta2: number;
        readonly eps: number;
        readonly weightDecay: number;
      };
  readonly decay:
    | { readonly kind: "none" }
    | { readonly kind: "step"; readonly every: number; readonly gamma: number }
    | { readonly kind: "exponential"; readonly gamma: number }
    | { readonly kind: "exponential_rate"; readonly rate: number }
    | { readonly kind: "cosine"; readonly tMax: number; readonly minLr: number };
  readonly warmup: number;
  readonly decayPer: "epoch" | "step";
  readonly batch: number;
  readonly epochs: number;
  readonly shuffle: boolean;
  /** Random changes to each training sample (images only), drawn anew every step. */
  readonly augment: { readonly kind: "none" } | { readonly kind: "shift"; readonly pixels: number };
  readonly seed: number;
  readonly validation: number;
  readonly metrics: readonly (
    | { readonly kind: "accuracy" }
    | { readonly kind: "macro_f1" }
    | { readonly kind: "dice" }
    | { readonly kind: "top_k"; readonly k: number }
    /** e^loss of a cross-entropy model (spec section 11). */
    | { readonly kind: "perplexity" }
  )[];
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
