// The Python that converts each weight layout used by a model between netc's Keras layouts
// (spec sections 9 and 11) and PyTorch's; only the layouts the model uses are emitted.
import type { WeightLayout } from "./op-code.ts";

/** The layouts netc and PyTorch share: no conversion. */
type SameLayout = "vector" | "table";

interface LayoutCode {
  readonly comment: string;
  readonly toTorch: readonly string[];
  readonly toNetc: readonly string[];
}

const LAYOUTS: Readonly<Record<Exclude<WeightLayout, SameLayout>, LayoutCode>> = {
  conv: {
    comment: "[kh, kw, C_in/groups, F] <-> [F, C_in/groups, kh, kw]",
    toTorch: ["return tensor.permute(3, 2, 0, 1)"],
    toNetc: ["return tensor.permute(2, 3, 1, 0)"],
  },
  depthwise: {
    comment: "[kh, kw, C, multiplier] <-> [C * multiplier, 1, kh, kw]",
    toTorch: ["kh, kw, channels, multiplier = tensor.shape", "return tensor.permute(2, 3, 0, 1).reshape(channels * multiplier, 1, kh, kw)"],
    toNetc: ["kh, kw, channels, multiplier = shape", "return tensor.reshape(channels, multiplier, kh, kw).permute(2, 3, 0, 1)"],
  },
  conv_transpose: {
    comment: "[kh, kw, F, C_in] <-> [C_in, F, kh, kw]",
    toTorch: ["return tensor.permute(3, 2, 0, 1)"],
    toNetc: ["return tensor.permute(2, 3, 1, 0)"],
  },
  dense: {
    comment: "[in, units] <-> [units, in]",
    toTorch: ["return tensor.t()"],
    toNetc: ["return tensor.t()"],
  },
  gru_kernel: {
    comment: "[rows, 3u], gates z, r, h <-> [3u, rows], gates r, z, n",
    toTorch: ["z, r, h = tensor.t().chunk(3)", "return torch.cat([r, z, h])"],
    toNetc: ["r, z, h = tensor.chunk(3)", "return torch.cat([z, r, h]).t()"],
  },
  gru_bias: {
    comment: "[2, 3u] rows (input, recurrent), z, r, h <-> (b_ih, b_hh), r, z, n",
    toTorch: ["return tuple(torch.cat([r, z, h]) for z, r, h in (row.chunk(3) for row in tensor))"],
    toNetc: ["return torch.stack([torch.cat([z, r, h]) for r, z, h in (b.chunk(3) for b in tensor)])"],
  },
};

function converter(
  signature: string,
  doc: string,
  used: readonly Exclude<WeightLayout, SameLayout>[],
  pick: (c: LayoutCode) => readonly string[],
): string[] {
  const lines = [`def ${signature}:`, `    """${doc}"""`];
  for (const layout of used) {
    lines.push(`    if layout == "${layout}":  # ${LAYOUTS[layout].comment}`);
    lines.push(...pick(LAYOUTS[layout]).map((l) => `        ${l}`));
  }
  lines.push("    return tensor");
  return lines;
}

/** `to_torch_layout` and `to_netc_layout` for the layouts in `used`. */
export function layoutConverters(used: ReadonlySet<WeightLayout>): string[] {
  const layouts = (Object.keys(LAYOUTS) as (keyof typeof LAYOUTS)[]).filter((l) => used.has(l));
  return [
    ...converter("to_torch_layout(layout, tensor)", "A netc tensor as the PyTorch parameter it fills.", layouts, (c) => c.toTorch),
    "",
    "",
    ...converter(
      "to_netc_layout(layout, tensor, shape)",
      "A PyTorch parameter as the netc tensor of `shape` (Keras layout).",
      layouts,
      (c) => c.toNetc,
    ),
  ];
}
