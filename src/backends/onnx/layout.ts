// netc tensors are channels-last (NHWC); ONNX's conv-like ops want channels-first (NCHW).
// The exporter keeps each tensor in whichever layout produced it and transposes only when an op
// needs the other one. Shapes here are per-sample (no batch); full tensors add the batch at axis 0.

export type Layout = "channels_last" | "channels_first";

/** Transpose permutation of a full (batched) tensor of the given per-sample rank. */
export function layoutPermutation(perSampleRank: number, to: Layout): number[] {
  const r = perSampleRank;
  const spatial = Array.from({ length: r - 1 }, (_, i) => i + 1);
  return to === "channels_first" ? [0, r, ...spatial] : [0, ...spatial.map((a) => a + 1), 1];
}

/** Where per-sample axis `axis` sits in the full tensor stored in `layout`. */
export function fullAxis(axis: number, perSampleRank: number, layout: Layout): number {
  if (layout === "channels_last" || perSampleRank < 2) return axis + 1;
  return axis === perSampleRank - 1 ? 1 : axis + 2;
}

/** The full tensor's dims in `layout`, batch first. */
export function fullShape<T>(batch: T, shape: readonly number[], layout: Layout): (T | number)[] {
  if (layout === "channels_last" || shape.length < 2) return [batch, ...shape];
  return [batch, shape[shape.length - 1], ...shape.slice(0, -1)];
}
