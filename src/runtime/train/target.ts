// What a loss or metric compares the model's output with, for a batch.

/**
 * `classes`: one class index per row of the output (a row = the last axis; one per sample for a
 * `[C]` output, one per pixel for `[H, W, C]`).
 * `dense`: a value per output element, the output's exact layout (one-hot or soft labels,
 * masks, regression targets).
 */
export type Target =
  { readonly kind: "classes"; readonly data: Int32Array } | { readonly kind: "dense"; readonly data: Float32Array };

/** Dense copy of a target: class indices become one-hot rows of `classes` entries. */
export function denseTarget(target: Target, classes: number): Float32Array {
  if (target.kind === "dense") return target.data;
  const out = new Float32Array(target.data.length * classes);
  target.data.forEach((c, row) => {
    checkClass(c, classes, row);
    out[row * classes + c] = 1;
  });
  return out;
}

export function checkClass(c: number, classes: number, row: number): void {
  if (!(c >= 0 && c < classes)) {
    throw new RangeError(
      `target row ${row}: class ${c} is out of range for ${classes} classes (expected 0..${classes - 1})`,
    );
  }
}

/** Number of rows (entries along the class axis) of an output, checking the target matches. */
export function rowsOf(outputLength: number, classes: number, target: Target): number {
  if (!Number.isInteger(classes) || classes < 1 || outputLength % classes !== 0) {
    throw new RangeError(`output of ${outputLength} values cannot be split into rows of ${classes} classes`);
  }
  const rows = outputLength / classes;
  const expected = target.kind === "classes" ? rows : outputLength;
  if (target.data.length !== expected) {
    throw new RangeError(
      `target has ${target.data.length} values, expected ${expected} (${target.kind} target for ${rows} rows of ${classes})`,
    );
  }
  return rows;
}
