// The runtime's op vocabulary: every op of the language with its attributes fully resolved
// (no `same`, no defaults, no expressions). The checker produces these; kernels consume them.
// Shapes here are per-sample NHWC ([H, W, C], [C], ...); the batch dimension is added at run time.

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
  | { readonly op: "elu"; readonly alpha: number };

export type ActivationName = Activation["op"];

export type OpAttrs =
  | { readonly op: "input"; readonly name: string }
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
  | { readonly op: "dense"; readonly units: number; readonly bias: boolean }
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
  | { readonly op: "concat"; readonly axis: number };

export type OpName = OpAttrs["op"];

export type AttrsOf<K extends OpName> = Extract<OpAttrs, { op: K }>;

/** A parameter tensor of a node, named and laid out as in the weights file (spec section 9). */
export interface ParamSpec {
  /** The tensor part of the key: "kernel", "bias", "depthwise", "pointwise", "gamma", "beta", "mean", "var". */
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
