// A one-level U-Net built directly as a runtime Program (no parser or checker), for testing
// overlap-tile on the real executor: valid 3×3 conv + relu → skip; maxpool 2×2; valid 3×3 conv
// + relu; conv_transpose 2×2 stride 2; crop the skip; concat; 1×1 conv; sigmoid.
// An [h, w, 1] input gives [h − 6, w − 6, 1]: 3 pixels of context. h − 2 and w − 2 must be even.
import type { Program } from "../../src/runtime/ops.ts";
import { ProgramBuilder } from "../runtime/program-builder.ts";

export const MINI_UNET_CONTEXT = 3;

export function miniUnet(h: number, w: number, filters = 4): Program {
  const b = new ProgramBuilder();
  const conv = (filters: number, k: number) =>
    ({ op: "conv", filters, kernel: [k, k], stride: [1, 1], pad: [0, 0, 0, 0], dilation: [1, 1], groups: 1, bias: true }) as const;
  const [h1, w1] = [h - 2, w - 2];
  const [h2, w2] = [h1 / 2 - 2, w1 / 2 - 2];
  const [h3, w3] = [2 * h2, 2 * w2];
  const input = b.input("image", [h, w, 1]);
  const skip = b.op({ op: "relu" }, b.op(conv(filters, 3), input, [h1, w1, filters]), [h1, w1, filters]);
  const pool = b.op({ op: "maxpool", kernel: [2, 2], stride: [2, 2], pad: [0, 0, 0, 0], includePad: false }, skip, [h1 / 2, w1 / 2, filters]);
  const low = b.op({ op: "relu" }, b.op(conv(filters, 3), pool, [h2, w2, filters]), [h2, w2, filters]);
  const up = b.op({ op: "conv_transpose", filters, kernel: [2, 2], stride: [2, 2], pad: [0, 0, 0, 0], bias: true }, low, [h3, w3, filters]);
  const crop = b.op({ op: "crop", top: (h1 - h3) / 2, left: (w1 - w3) / 2 }, skip, [h3, w3, filters]);
  const cat = b.op({ op: "concat", axis: 2 }, [crop, up], [h3, w3, 2 * filters]);
  const out = b.op({ op: "sigmoid" }, b.op(conv(1, 1), cat, [h3, w3, 1]), [h3, w3, 1]);
  return b.build([out]);
}
