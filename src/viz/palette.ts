// Colour by op family, so convolutions, normalisation, activations, pooling, dense layers and
// merges read apart at a glance; block boxes get their own colour.
import type { OpAttrs } from "../runtime/ops.ts";

export type OpFamily = "input" | "conv" | "dense" | "norm" | "activation" | "pool" | "merge" | "shape" | "block";

export const FAMILY_COLOURS: Readonly<Record<OpFamily, { fill: string; stroke: string }>> = {
  input: { fill: "#eceff1", stroke: "#37474f" },
  conv: { fill: "#dbe9fb", stroke: "#1f5fa8" },
  dense: { fill: "#e7def7", stroke: "#5e35b1" },
  norm: { fill: "#dff3e4", stroke: "#2e7d32" },
  activation: { fill: "#fdf1d6", stroke: "#b26a00" },
  pool: { fill: "#fde2df", stroke: "#c62828" },
  merge: { fill: "#e0f4f4", stroke: "#00796b" },
  shape: { fill: "#f1f1f1", stroke: "#616161" },
  block: { fill: "#efe6df", stroke: "#6d4c41" },
};

export const FAMILY_NAMES: Readonly<Record<OpFamily, string>> = {
  input: "input",
  conv: "convolution",
  dense: "dense",
  norm: "normalisation",
  activation: "activation",
  pool: "pooling / resampling",
  merge: "merge",
  shape: "reshape / dropout",
  block: "block / repeat",
};

export function familyOf(attrs: OpAttrs): OpFamily {
  switch (attrs.op) {
    case "input":
      return "input";
    case "conv":
    case "depthwise":
    case "pointwise":
    case "separable":
    case "conv_transpose":
      return "conv";
    case "dense":
    case "maxout":
      return "dense";
    case "batchnorm":
      return "norm";
    case "maxpool":
    case "avgpool":
    case "globalavgpool":
    case "globalmaxpool":
    case "upsample":
      return "pool";
    case "add":
    case "mul":
    case "concat":
      return "merge";
    case "flatten":
    case "reshape":
    case "dropout":
    case "crop":
    case "pad":
      return "shape";
    default:
      return "activation";
  }
}
