// What training a model takes in memory, from the checker's totals: weights, their gradients and
// two optimizer moments (Adam's; SGD needs less) — four copies of the parameters — plus every
// activation kept for the backward pass, per sample, times the batch.
export interface MemoryTotals {
  readonly paramBytes: number;
  readonly activationBytesTraining: number;
}

/** The most a page trains: 32-bit WebAssembly memories stop at 4 GiB, and a tab shares the machine. */
export const TRAINING_BYTES_LIMIT = 2 * 2 ** 30;

export function trainingBytes(totals: MemoryTotals, batch: number): number {
  return totals.paramBytes * 4 + totals.activationBytesTraining * batch;
}
