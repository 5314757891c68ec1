// A tensor flowing through the expansion: the graph node that produced it and its shape.
// `undefined` (in place of a TensorRef) is a tensor whose shape is unknown after an error.

export interface TensorRef {
  readonly node: number;
  readonly shape: readonly number[];
  /** "int": token ids (an `int` input, or `take` of one); absent: float. */
  readonly dtype?: "int";
}

/** How a tensor is named in messages: `the int tensor [64]`. */
export function describeTensor(ref: TensorRef): string {
  return `the ${ref.dtype === "int" ? "int " : ""}tensor ${formatShape(ref.shape)}`;
}

export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(", ")}]`;
}

export function elementCount(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}
