// Spatial padding of [H, W, C] by [top, bottom, left, right]: zeros, or a mirror that reflects
// without repeating the edge (NumPy/PyTorch `reflect`). Backward sends each output pixel's
// gradient to the input pixel it was copied from.
import type { Kernel } from "../kernel.ts";

/** The source coordinate of padded coordinate i in an axis of length n, or −1 for a zero. */
function source(i: number, n: number, mirror: boolean): number {
  if (i >= 0 && i < n) return i;
  if (!mirror) return -1;
  return i < 0 ? -i : 2 * (n - 1) - i;
}

function forEachCopy(
  attrs: { readonly pad: readonly number[]; readonly mode: "zero" | "mirror" },
  inShape: readonly number[],
  outShape: readonly number[],
  batch: number,
  copy: (src: number, dst: number, c: number) => void,
): void {
  const [h, w, c] = inShape;
  const [outH, outW] = outShape;
  const mirror = attrs.mode === "mirror";
  for (let n = 0; n < batch; n++) {
    for (let y = 0; y < outH; y++) {
      const sy = source(y - attrs.pad[0], h, mirror);
      for (let x = 0; x < outW; x++) {
        const sx = source(x - attrs.pad[2], w, mirror);
        const dst = ((n * outH + y) * outW + x) * c;
        copy(sy < 0 || sx < 0 ? -1 : ((n * h + sy) * w + sx) * c, dst, c);
      }
    }
  }
}

export const padKernel: Kernel<"pad"> = {
  backwardReads: { inputs: false, output: false },
  params: () => [],
  forward({ attrs, batch, inShapes, outShape, inputs, output }) {
    const x = inputs[0];
    forEachCopy(attrs, inShapes[0], outShape, batch, (src, dst, c) => {
      if (src < 0) output.fill(0, dst, dst + c);
      else for (let ch = 0; ch < c; ch++) output[dst + ch] = x[src + ch];
    });
  },
  backward({ attrs, batch, inShapes, outShape, outGrad, inGrads }) {
    const dx = inGrads[0];
    if (!dx) return;
    forEachCopy(attrs, inShapes[0], outShape, batch, (src, dst, c) => {
      if (src >= 0) for (let ch = 0; ch < c; ch++) dx[src + ch] += outGrad[dst + ch];
    });
  },
};
