// A tensor flowing through the expansion: the graph node that produced it and its shape.
// `undefined` (in place of a TensorRef) is a tensor whose shape is unknown after an error.

export interface TensorRef {
  readonly node: number;
  readonly shape: readonly number[];
}

export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(", ")}]`;
}

export function elementCount(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}
