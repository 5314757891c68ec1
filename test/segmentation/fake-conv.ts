// Stand-in models for the tiling tests: stacks of 3×3 convolutions with fixed, asymmetric
// weights (so a flipped or shifted tile would show), either valid (each layer eats one pixel of
// context per side) or zero-padded "same" (each layer sees one pixel of zeros at the border).

export type Weights = Float32Array; // [3, 3, cin, cout]

/** One 3×3 convolution of a [h, w, cin] image; pad 0 (valid) or 1 (same, zeros). */
export function conv3x3(x: Float32Array, h: number, w: number, cin: number, weights: Weights, cout: number, pad: 0 | 1): Float32Array {
  const outH = h - 2 + 2 * pad;
  const outW = w - 2 + 2 * pad;
  const out = new Float32Array(outH * outW * cout);
  for (let y = 0; y < outH; y++) {
    for (let xo = 0; xo < outW; xo++) {
      for (let o = 0; o < cout; o++) {
        let sum = 0;
        for (let ky = 0; ky < 3; ky++) {
          const iy = y + ky - pad;
          if (iy < 0 || iy >= h) continue;
          for (let kx = 0; kx < 3; kx++) {
            const ix = xo + kx - pad;
            if (ix < 0 || ix >= w) continue;
            for (let i = 0; i < cin; i++) sum += x[(iy * w + ix) * cin + i] * weights[((ky * 3 + kx) * cin + i) * cout + o];
          }
        }
        out[(y * outW + xo) * cout + o] = sum;
      }
    }
  }
  return out;
}

/** Deterministic weights from a seed: a simple LCG, enough for distinct asymmetric kernels. */
export function makeWeights(seed: number, cin: number, cout: number): Weights {
  let s = seed >>> 0 || 1;
  return Float32Array.from({ length: 9 * cin * cout }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32 - 0.5;
  });
}

/** A model: `layers` convolutions, cin → cout channels (then cout → cout). */
export interface FakeModel {
  readonly layers: readonly Weights[];
  readonly cin: number;
  readonly cout: number;
  readonly pad: 0 | 1;
}

export function fakeModel(seed: number, depth: number, cin: number, cout: number, pad: 0 | 1): FakeModel {
  const layers = Array.from({ length: depth }, (_, i) => makeWeights(seed + i, i === 0 ? cin : cout, cout));
  return { layers, cin, cout, pad };
}

/** Applies the model to one [h, w, cin] image; returns the output and its size. */
export function runFake(model: FakeModel, x: Float32Array, h: number, w: number): { data: Float32Array; h: number; w: number } {
  let data = x;
  let c = model.cin;
  for (const weights of model.layers) {
    data = conv3x3(data, h, w, c, weights, model.cout, model.pad);
    h += 2 * model.pad - 2;
    w += 2 * model.pad - 2;
    c = model.cout;
  }
  return { data, h, w };
}

/** The model as overlap-tile's predictBatch over n tiles of tileH×tileW; counts its calls. */
export function fakePredictBatch(model: FakeModel, tileH: number, tileW: number, calls: number[] = []) {
  return (tiles: Float32Array, n: number): Float32Array => {
    calls.push(n);
    const outs: Float32Array[] = [];
    const size = tileH * tileW * model.cin;
    for (let i = 0; i < n; i++) outs.push(runFake(model, tiles.subarray(i * size, (i + 1) * size), tileH, tileW).data);
    const result = new Float32Array(outs.reduce((sum, o) => sum + o.length, 0));
    let offset = 0;
    for (const o of outs) {
      result.set(o, offset);
      offset += o.length;
    }
    return result;
  };
}
