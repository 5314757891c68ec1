// Token and position embeddings: embedding looks up a row of its table per token id (ids are
// carried as float32 values, exact below 2^24) and its backward scatter-adds the rows' gradients;
// positional adds rows 0…T−1 of a learned table or of Vaswani et al.'s sinusoids; class_token
// prepends a learned row.
import type { Kernel } from "../kernel.ts";

/** A token id outside 0…vocab−1 at run time: names the sample and the position (one line,
 * for the CLI). `layer` is the embedding's name where known. */
export class TokenRangeError extends Error {
  readonly sample: number;
  readonly position: number;
  readonly id: number;
  readonly vocab: number;
  readonly layer: string | undefined;
  constructor(sample: number, position: number, id: number, vocab: number, layer?: string) {
    super(
      `token id ${id} at sample ${sample}, position ${position} is outside the vocabulary of ` +
        `${layer ?? "the embedding"} (0…${vocab - 1}); use ids below ${vocab} or raise the embedding's vocab`,
    );
    this.name = "TokenRangeError";
    this.sample = sample;
    this.position = position;
    this.id = id;
    this.vocab = vocab;
    this.layer = layer;
  }

  /** The same error naming the layer. */
  inLayer(layer: string): TokenRangeError {
    return new TokenRangeError(this.sample, this.position, this.id, this.vocab, layer);
  }
}

/** Checks every id of the batch before anything is written. */
export function checkTokenIds(ids: Float32Array, batch: number, length: number, vocab: number): void {
  for (let i = 0; i < batch * length; i++) {
    const id = ids[i];
    if (!(Number.isInteger(id) && id >= 0 && id < vocab)) {
      throw new TokenRangeError(Math.floor(i / length), i % length, id, vocab);
    }
  }
}

export const embeddingKernel: Kernel<"embedding"> = {
  backwardReads: { inputs: true, output: false },
  params: (a) => [{ name: "embeddings", shape: [a.vocab, a.dim], trainable: true }],
  forward({ attrs, batch, inShapes, inputs, output, params }) {
    const ids = inputs[0];
    const length = inShapes[0][0];
    const { dim } = attrs;
    checkTokenIds(ids, batch, length, attrs.vocab);
    const table = params[0];
    for (let i = 0; i < batch * length; i++) {
      const row = ids[i] * dim;
      output.set(table.subarray(row, row + dim), i * dim);
    }
  },
  // Ids have no gradient; the table's rows collect their tokens' gradients.
  backward({ attrs, batch, inShapes, inputs, outGrad, paramGrads }) {
    const dTable = paramGrads[0];
    if (!dTable) return;
    const ids = inputs[0];
    const { dim } = attrs;
    for (let i = 0; i < batch * inShapes[0][0]; i++) {
      const row = ids[i] * dim;
      for (let j = 0; j < dim; j++) dTable[row + j] += outGrad[i * dim + j];
    }
  },
};

/** Rows first … first + count − 1 of Vaswani et al.'s table, row-major into `out`:
 * sin(t/10000^(2i/C)) at column 2i, cos at 2i + 1. */
export function sinusoidalRows(first: number, count: number, channels: number, out: Float32Array): void {
  for (let c = 0; c < channels; c++) {
    const frequency = Math.pow(10000, -(2 * Math.floor(c / 2)) / channels);
    const wave = c % 2 === 0 ? Math.sin : Math.cos;
    for (let r = 0; r < count; r++) out[r * channels + c] = wave((first + r) * frequency);
  }
}

/** Row t of the table. */
export function sinusoidalRow(t: number, channels: number, row: Float32Array): void {
  sinusoidalRows(t, 1, channels, row);
}

export const positionalKernel: Kernel<"positional"> = {
  backwardReads: { inputs: false, output: false },
  params: (a, [inShape]) =>
    a.mode === "learned" ? [{ name: "embeddings", shape: [a.length, inShape[1]], trainable: true }] : [],
  // The sinusoidal table's T rows, computed once per call.
  scratchSize: ({ attrs, inShapes }) => (attrs.mode === "sinusoidal" ? inShapes[0][0] * inShapes[0][1] : 0),
  forward({ attrs, batch, inShapes, inputs, output, params, scratch }) {
    const [length, channels] = inShapes[0];
    const x = inputs[0];
    let table = params[0];
    if (attrs.mode === "sinusoidal") {
      table = scratch;
      sinusoidalRows(0, length, channels, scratch);
    }
    const size = length * channels;
    for (let n = 0; n < batch; n++) {
      for (let i = 0; i < size; i++) output[n * size + i] = x[n * size + i] + table[i];
    }
  },
  backward({ batch, inShapes, outGrad, inGrads, paramGrads }) {
    const [length, channels] = inShapes[0];
    const size = length * channels;
    const dx = inGrads[0];
    const dTable = paramGrads[0];
    for (let n = 0; n < batch; n++) {
      for (let i = 0; i < size; i++) {
        const g = outGrad[n * size + i];
        if (dx) dx[n * size + i] += g;
        if (dTable) dTable[i] += g;
      }
    }
  },
};

export const classTokenKernel: Kernel<"class_token"> = {
  backwardReads: { inputs: false, output: false },
  params: (_a, [inShape]) => [{ name: "token", shape: [inShape[1]], trainable: true }],
  forward({ batch, inShapes, inputs, output, params }) {
    const [length, channels] = inShapes[0];
    const size = length * channels;
    for (let n = 0; n < batch; n++) {
      const at = n * (size + channels);
      output.set(params[0], at);
      output.set(inputs[0].subarray(n * size, (n + 1) * size), at + channels);
    }
  },
  backward({ batch, inShapes, outGrad, inGrads, paramGrads }) {
    const [length, channels] = inShapes[0];
    const size = length * channels;
    const [dx] = inGrads;
    const [dToken] = paramGrads;
    for (let n = 0; n < batch; n++) {
      const at = n * (size + channels);
      if (dToken) for (let c = 0; c < channels; c++) dToken[c] += outGrad[at + c];
      if (dx) for (let i = 0; i < size; i++) dx[n * size + i] += outGrad[at + channels + i];
    }
  },
};
