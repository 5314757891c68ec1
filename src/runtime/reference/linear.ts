// y[rows×out] = x[rows×in]·W[in×out] (+ bias): dense, pointwise and 1x1 convolutions.
import type { FusedActivation, Gemm } from "../gemm.ts";
import { addBiasGrad } from "./conv-geometry.ts";

export function linearForward(
  gemm: Gemm,
  rows: number,
  inF: number,
  outF: number,
  x: Float32Array,
  kernel: Float32Array,
  bias: Float32Array | undefined,
  y: Float32Array,
  activation: FusedActivation | null,
): void {
  const epilogue = bias || activation ? { bias, activation: activation ?? undefined } : undefined;
  gemm.gemm(false, false, rows, outF, inF, x, 0, inF, kernel, 0, outF, y, 0, outF, false, epilogue);
}

export function linearBackward(
  gemm: Gemm,
  rows: number,
  inF: number,
  outF: number,
  x: Float32Array,
  kernel: Float32Array,
  dy: Float32Array,
  dx: Float32Array | null,
  dKernel: Float32Array | null,
  dBias: Float32Array | null,
): void {
  if (dKernel) gemm.gemm(true, false, inF, outF, rows, x, 0, inF, dy, 0, outF, dKernel, 0, outF, true);
  if (dx) gemm.gemm(false, true, rows, inF, outF, dy, 0, outF, kernel, 0, outF, dx, 0, inF, true);
  if (dBias) addBiasGrad(dy, rows, outF, dBias);
}
