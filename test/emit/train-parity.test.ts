// With --train, five trainStep calls of the emitted module leave the same weights as five steps
// of the interpreter's trainer (src/backends/interpret/trainer.ts) from the same start.
import { describe, expect, it } from "vitest";
import { emitTs } from "../../src/backends/emit-ts/index.ts";
import { train } from "../../src/backends/interpret/trainer.ts";
import type { Labels } from "../../src/data/dataset.ts";
import type { Graph } from "../../src/ir/graph.ts";
import { initializeParams, sizeOf } from "../../src/runtime/index.ts";
import {
  graphsOfFile,
  graphsOfSource,
  importEmitted,
  maxAbsDiff,
  sampleInput,
} from "./emit-helpers.ts";

const STEPS = 5;

const SGD_NET = `
model Small {
  input x: [6, 6, 2]
  conv(4, 3x3, pad = 1)
  batchnorm
  relu
  dropout(0.25)
  flatten
  dense(3)
}

train Small {
  loss: cross_entropy(label_smoothing = 0.1)
  optimizer: sgd(lr = 0.05, momentum = 0.9, nesterov = true, weight_decay = 0.01)
  decay: step(every = 2, gamma = 0.5)
  decay_per: step
  warmup: 1
  batch: 4
}
`;

/** Class labels per output row, or a dense 0/1 mask for dense losses. */
function labelsFor(graph: Graph, count: number): Labels {
  const out = graph.nodes[graph.outputs[0]].shape;
  const classes = out[out.length - 1];
  const rows = (count * sizeOf(out)) / classes;
  if (graph.train!.loss.kind === "cross_entropy") {
    return {
      kind: "classes",
      shape: out.slice(0, -1),
      data: Int32Array.from({ length: rows }, (_, i) => (i * 7) % classes),
    };
  }
  return {
    kind: "dense",
    shape: out,
    data: Float32Array.from({ length: count * sizeOf(out) }, (_, i) =>
      (i * 13) % 3 === 0 ? 1 : 0,
    ),
  };
}

async function expectParity(graph: Graph, batch: number): Promise<void> {
  const config = {
    ...graph.train!,
    batch,
    epochs: 1,
    shuffle: false,
    validation: 0,
  };
  const count = STEPS * batch;
  const inputShape = graph.nodes[graph.inputs[0]].shape;
  const x = sampleInput(count * sizeOf(inputShape), 5);
  const labels = labelsFor(graph, count);
  const init = initializeParams(graph, 3);
  const reference = await train({
    graph,
    config,
    init,
    data: {
      train: { name: "parity", count, sampleShape: inputShape, x, labels },
    },
  });

  const m = await importEmitted(
    await emitTs(graph, { train: true, weights: init, embedWeights: true }),
  );
  const xPer = sizeOf(inputShape);
  const yPer = labels.data.length / count;
  for (let s = 0; s < STEPS; s++) {
    const xs = x.subarray(s * batch * xPer, (s + 1) * batch * xPer);
    const ys = labels.data.subarray(s * batch * yPer, (s + 1) * batch * yPer);
    expect(Number.isFinite(m.trainStep!(xs, ys, batch))).toBe(true);
  }
  let moved = 0;
  for (const [key, tensor] of reference.weights) {
    const got = m.params!.get(key)!;
    expect(maxAbsDiff(got, tensor.data), key).toBeLessThanOrEqual(1e-5);
    moved = Math.max(moved, maxAbsDiff(got, init.get(key)!));
  }
  expect(moved).toBeGreaterThan(1e-4); // training really changed the weights
}

describe("emitted trainStep equals the runtime's training steps", () => {
  it("sgd (nesterov, weight decay), label-smoothed cross-entropy, step decay per step, batchnorm, dropout", async () => {
    await expectParity(graphsOfSource(SGD_NET)[0], 4);
  });

  it("lenet5: adam, fused softmax cross-entropy, cosine decay", async () => {
    await expectParity(graphsOfFile("examples/lenet5.net")[0], 4);
  });

  it("unet_small: adam, dice", { timeout: 60_000 }, async () => {
    await expectParity(graphsOfFile("examples/unet_small.net")[0], 2);
  });
});
