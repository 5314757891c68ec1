// A U-Net with valid convolutions predicts only the centre of its input, so its targets are the
// centre of the full-size masks: crop [N, H, W, C] to [N, h, w, C] at offset floor((H − h)/2),
// the same centre the model's `crop(to = label)` op takes.

export function centerCropTargets(
  masks: Float32Array,
  fromHW: readonly [number, number],
  toHW: readonly [number, number],
  channels = 1,
): Float32Array {
  const [fromH, fromW] = fromHW;
  const [toH, toW] = toHW;
  const perSample = fromH * fromW * channels;
  if (masks.length % perSample !== 0) {
    throw new Error(
      `centerCropTargets: ${masks.length} values is not a whole number of [${fromH}, ${fromW}, ${channels}] masks`,
    );
  }
  if (toH > fromH || toW > fromW || toH < 1 || toW < 1) {
    throw new Error(
      `centerCropTargets: cannot crop [${fromH}, ${fromW}] masks to [${toH}, ${toW}]; the model output must not be larger than its input`,
    );
  }
  const count = masks.length / perSample;
  const top = Math.floor((fromH - toH) / 2);
  const left = Math.floor((fromW - toW) / 2);
  const rowValues = toW * channels;
  const out = new Float32Array(count * toH * rowValues);
  for (let n = 0; n < count; n++) {
    for (let y = 0; y < toH; y++) {
      const src = ((n * fromH + top + y) * fromW + left) * channels;
      out.set(masks.subarray(src, src + rowValues), (n * toH + y) * rowValues);
    }
  }
  return out;
}
