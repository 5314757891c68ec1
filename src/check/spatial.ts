// Convolution and pooling arithmetic on one spatial axis, and `same` padding (SAME_UPPER).
import type { Pad4 } from "../runtime/ops.ts";
import type { PadSpec } from "./op-args.ts";

/** Output size of a conv/pool window: floor((in + pads − dilation·(k−1) − 1) / stride) + 1. */
export function windowOutput(
  size: number,
  kernel: number,
  stride: number,
  padBefore: number,
  padAfter: number,
  dilation = 1,
): number {
  return Math.floor((size + padBefore + padAfter - dilation * (kernel - 1) - 1) / stride) + 1;
}

/** SAME_UPPER: output = ceil(in/stride); the odd pixel of padding goes to the bottom/right. */
export function samePadding(size: number, kernel: number, stride: number, dilation = 1): [number, number] {
  const out = Math.ceil(size / stride);
  const total = Math.max((out - 1) * stride + dilation * (kernel - 1) + 1 - size, 0);
  const before = Math.floor(total / 2);
  return [before, total - before];
}

/** Resolves `same` to explicit [top, bottom, left, right] for an [H, W, C] input. */
export function resolvePad(
  pad: PadSpec,
  hw: readonly [number, number],
  kernel: readonly [number, number],
  stride: readonly [number, number],
  dilation: readonly [number, number] = [1, 1],
): Pad4 {
  if (pad.kind === "explicit") return pad.pad;
  const [top, bottom] = samePadding(hw[0], kernel[0], stride[0], dilation[0]);
  const [left, right] = samePadding(hw[1], kernel[1], stride[1], dilation[1]);
  return [top, bottom, left, right];
}
