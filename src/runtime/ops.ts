// The runtime's op vocabulary: every op of the language with its attributes fully resolved
// (no `same`, no defaults, no expressions). The checker produces these; kernels consume them.
// Shapes here are per-sample NHWC ([H, W, C], [C], ...) or sequences [T, C] (spec section 11);
// the batch dimension is added at run time.

/** [top, bottom, left, right] */
export type Pad4 = readonly [number, number, number, number];

export type Activation =
  | { readonly op: "relu" }
  | { readonly op: "relu6" }
  | { readonly op: "sigmoid" }
  | { readonly op: "tanh" }
  | { readonly op: "swish" }
  | { readonly op: "hard_swish" }
  /** Exact (erf) GELU, PyTorch's default. */
  | { readonly op: "gelu" }
  | { readonly op: "softplus" }
  | { readonly op: "identity" }
  | { readonly op: "leaky_relu"; readonly alpha: number }
  | { readonly op: "elu"; readonly alpha: number }
  // The general elementwise ops of spec section 11, PyTorch numbers. `log` and `sqrt` take
  // their plain value (−inf/NaN outside their domain, as PyTorch); `neg` is −x.
  | { readonly op: "exp" }
  | { readonly op: "log" }
  | { readonly op: "sqrt" }
  | { readonly op: "abs" }
  | { readonly op: "neg" }
  /** λ·(x if x > 0 else α·(eˣ − 1)) with PyTorch's constants α ≈ 1.6733, λ ≈ 1.0507. */
  | { readonly op: "selu" }
  /** PyTorch's hardsigmoid: relu6(x + 3)/6. */
  | { readonly op: "hard_sigmoid" };

export type ActivationName = Activation["op"];

export type OpAttrs =
  /** `dtype: "int"`: token ids (`input ids: [64] int`). The runtime carries them as float32
   * values (exact below 2^24); only `embedding` and `take` consume them. Absent: float. */
  | { readonly op: "input"; readonly name: string; readonly dtype?: "int" }
  | {
      readonly op: "conv";
      readonly filters: number;
      readonly kernel: readonly [number, number];
      readonly stride: readonly [number, number];
      readonly pad: Pad4;
      readonly dilation: readonly [number, number];
      readonly groups: number;
      readonly bias: boolean;
    }
  | {
      readonly op: "depthwise";
      readonly kernel: readonly [number, number];
      readonly stride: readonly [number, number];
      readonly pad: Pad4;
      readonly dilation: readonly [number, number];
      readonly multiplier: number;
      readonly bias: boolean;
    }
  | { readonly op: "pointwise"; readonly filters: number; readonly bias: boolean }
  | {
      readonly op: "separable";
      readonly filters: number;
      readonly kernel: readonly [number, number];
      readonly stride: readonly [number, number];
      readonly pad: Pad4;
      readonly multiplier: number;
      readonly bias: boolean;
    }
  | {
      readonly op: "conv_transpose";
      readonly filters: number;
      readonly kernel: readonly [number, number];
      readonly stride: readonly [number, number];
      /** Cropped from the full (in-1)*stride+k output, as PyTorch's `padding`. */
      readonly pad: Pad4;
      readonly bias: boolean;
    }
  /** Bilinear follows PyTorch's `align_corners=False`. */
  | { readonly op: "upsample"; readonly factor: number; readonly mode: "nearest" | "bilinear" }
  | {
      readonly op: "maxpool" | "avgpool";
      readonly kernel: readonly [number, number];
      readonly stride: readonly [number, number];
      readonly pad: Pad4;
      /** avgpool only: count padded zeros in the mean (PyTorch's count_include_pad). */
      readonly includePad: boolean;
    }
  | { readonly op: "globalavgpool" | "globalmaxpool"; readonly keepdims: boolean }
  /** On the last axis: [C] → [units] or [T, C] → [T, units]. `tie`: the name of an `embedding`
   * node whose `embeddings` [units, C] is used transposed as the kernel (GPT-2's output layer);
   * such a dense has no kernel param of its own (only its bias, when `bias`). */
  | { readonly op: "dense"; readonly units: number; readonly bias: boolean; readonly tie?: string }
  | { readonly op: "flatten" }
  | { readonly op: "reshape"; readonly shape: readonly number[] }
  | { readonly op: "dropout"; readonly rate: number }
  | { readonly op: "batchnorm"; readonly eps: number; readonly momentum: number }
  /** Centre crop: the output shape is the node's shape; offsets are resolved. */
  | { readonly op: "crop"; readonly top: number; readonly left: number }
  | { readonly op: "pad"; readonly pad: Pad4; readonly mode: "zero" | "mirror" }
  | Activation
  | { readonly op: "maxout"; readonly k: number }
  /** Axis resolved to a non-negative index into the per-sample shape. */
  | { readonly op: "softmax" | "log_softmax"; readonly axis: number }
  /** Two or more inputs, broadcast per NHWC rules (trailing dims aligned, size 1 stretches). */
  | { readonly op: "add" | "mul" }
  | { readonly op: "concat"; readonly axis: number }
  // ---- Sequences (spec section 11). [T, C]: T positions of C features.
  /** [T] int → [T, dim]; param `embeddings` [vocab, dim]. */
  | { readonly op: "embedding"; readonly vocab: number; readonly dim: number }
  /** Adds rows 0…T−1 of a [length, C] table (T ≤ length). `learned`: param `embeddings`
   * [length, C]; `sinusoidal` (Vaswani et al.): computed, no params. */
  | { readonly op: "positional"; readonly length: number; readonly mode: "learned" | "sinusoidal" }
  /** [T, C] → [T+1, C]: a learned row (param `token` [C]) prepended. */
  | { readonly op: "class_token" }
  /** Over the last axis; params `gamma`, `beta` [C]. */
  | { readonly op: "layernorm"; readonly eps: number }
  /** Over the last axis, x / sqrt(mean(x²) + eps) · gamma; param `gamma` [C]. */
  | { readonly op: "rmsnorm"; readonly eps: number }
  /**
   * Multi-head scaled dot-product attention, PyTorch nn.MultiheadAttention numbers: [T, C] →
   * [T, C]. Params `query_kernel`, `key_kernel`, `value_kernel` [C_in, C] (C_in = C for query;
   * C_ctx for key/value when `context`), `output_kernel` [C, C], and with `bias`
   * `query_bias`, `key_bias`, `value_bias`, `output_bias` [C]. Head h uses feature columns
   * h·C/heads … (h+1)·C/heads − 1. `causal`: position t attends to keys ≤ t. `context`: the
   * node's second input is the [S, C_ctx] tensor keys and values come from (cross-attention).
   * `dropout`: on the attention weights, training only.
   */
  | {
      readonly op: "attention";
      readonly heads: number;
      readonly causal: boolean;
      readonly bias: boolean;
      readonly dropout: number;
      readonly context: boolean;
    }
  /** [T, C] → [C]: position `index` along the first axis (resolved non-negative). */
  | { readonly op: "take"; readonly index: number }
  /**
   * [T, C] → [units] (last step) or [T, units] with `returnSequences`. Gates i, f, c, o (Keras
   * and PyTorch order). Params `kernel` [C, 4·units], `recurrent_kernel` [units, 4·units],
   * `bias` [4·units] (PyTorch's b_ih + b_hh).
   */
  | { readonly op: "lstm"; readonly units: number; readonly returnSequences: boolean }
  /**
   * As lstm, gates z, r, h; Keras reset_after = true = PyTorch nn.GRU. Params `kernel`
   * [C, 3·units], `recurrent_kernel` [units, 3·units], `bias` [2, 3·units] (input bias row,
   * then recurrent bias row).
   */
  | { readonly op: "gru"; readonly units: number; readonly returnSequences: boolean }
  // ---- General ops (spec section 11, second table).
  /** Two or more inputs, broadcast as add/mul; sub/div fold left (a − b − c). */
  | { readonly op: "sub" | "div" | "maximum" | "minimum" }
  /** Permutes the per-sample axes: output axis i is input axis perm[i]. */
  | { readonly op: "transpose"; readonly perm: readonly number[] }
  /** min(max(x, min), max), PyTorch's clamp. */
  | { readonly op: "clip"; readonly min: number; readonly max: number }
  /** Leaky ReLU with a learned slope per channel (last axis): param `alpha` [C]. */
  | { readonly op: "prelu" }
  /** PyTorch nn.GroupNorm over the channel (last) axis split into `groups`, statistics per
   * sample over all other per-sample axes and the group's channels; params `gamma`, `beta` [C]. */
  | { readonly op: "groupnorm"; readonly groups: number; readonly eps: number }
  /** PyTorch nn.InstanceNorm2d(affine = True): statistics per sample and channel over all
   * non-channel axes (groupnorm with groups = C); params `gamma`, `beta` [C]. */
  | { readonly op: "instancenorm"; readonly eps: number };

export type OpName = OpAttrs["op"];

export type AttrsOf<K extends OpName> = Extract<OpAttrs, { op: K }>;

/** A parameter tensor of a node, named and laid out as in the weights file (spec section 9). */
export interface ParamSpec {
  /** The tensor part of the key: "kernel", "bias", "depthwise", "pointwise", "gamma", "beta", "mean",
   * "var"; for sequences (section 11) "embeddings", "token", "query_kernel", "key_kernel",
   * "value_kernel", "output_kernel", "query_bias", "key_bias", "value_bias", "output_bias",
   * "recurrent_kernel"; "alpha" (prelu). */
  readonly name: string;
  readonly shape: readonly number[];
  readonly trainable: boolean;
}

/** One node of an executable program. */
export interface ProgramNode {
  readonly id: number;
  /** Stable layer name (`conv_0`), the key prefix in weight files. */
  readonly name: string;
  readonly attrs: OpAttrs;
  /** Ids of the nodes whose outputs feed this one, in order. */
  readonly inputs: readonly number[];
  /** Per-sample output shape. */
  readonly shape: readonly number[];
  readonly params: readonly ParamSpec[];
}

/** What the runtime executes: nodes in topological order (inputs before users). */
export interface Program {
  readonly nodes: readonly ProgramNode[];
  /** Node ids of the `input` nodes, in declaration order. */
  readonly inputs: readonly number[];
  readonly outputs: readonly number[];
}
