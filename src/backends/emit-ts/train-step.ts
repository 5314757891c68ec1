// The `trainStep` export of an emitted module: the train section's loss, optimizer and
// learning-rate schedule, run by the runtime's own train modules (inlined verbatim), in the
// same order as the interpreter's trainer: forward, loss, zero grads, backward, optimizer step,
// on the runtime's training executor (src/backends/emit-ts/standalone/compiled-model.ts).
import type { Graph, TrainConfig } from "../../ir/graph.ts";
import { planLoss } from "../../runtime/train/losses.ts";
import type { InlineRoot } from "./link-modules.ts";
import { literal } from "./literal.ts";
import { sourceUrl } from "./runtime-source.ts";

const trainModule = (name: string) => sourceUrl(`runtime/train/${name}`);

/** What the trainStep code uses from the runtime's train modules. */
export function trainRoots(): InlineRoot[] {
  return [
    { path: trainModule("losses.ts"), names: ["computeLoss", "LossInput"] },
    { path: trainModule("target.ts"), names: ["Target"] },
    { path: trainModule("optimizers.ts"), names: ["createOptimizer"] },
    { path: trainModule("schedules.ts"), names: ["lrAt", "schedulePosition"] },
  ];
}

function trainConfig(graph: Graph): TrainConfig {
  if (!graph.train)
    throw new Error(`emitTs: ${graph.model} has no train section`);
  return graph.train;
}

/** The node whose output the loss consumes: a final softmax (or sigmoid) is fused into the loss. */
export function lossNodeOf(graph: Graph): number {
  const last = graph.nodes[graph.outputs[0]];
  return planLoss(trainConfig(graph).loss.kind, last.attrs.op).consumes ===
    "last_op_input"
    ? last.inputs[0]
    : last.id;
}

export function trainStepCode(graph: Graph): string {
  const config = trainConfig(graph);
  const last = graph.nodes[graph.outputs[0]];
  const { loss, optimizer, decay, warmup, decayPer } = config;
  return `
const TRAIN = ${literal({ loss, optimizer, decay, warmup, decayPer })} as const;
const LOSS_INPUT: LossInput = ${literal(planLoss(loss.kind, last.attrs.op).input)};
const optimizer = createOptimizer(TRAIN.optimizer, new Map([...model.grads].map(([key, grad]) => [key, grad.length])));
let stepsTaken = 0;

/**
 * One optimizer step on a batch: \`y\` holds class indices (Int32Array, one per row of the output's
 * last axis) or a dense target in the output's layout (Float32Array). The learning rate follows
 * the train section's schedule at \`epoch\` (or at the step count with \`decay_per: step\`).
 * Returns the batch loss.
 */
export function trainStep(x: Float32Array, y: Float32Array | Int32Array, batch = 1, epoch = 0): number {
  const output = model.trainForward(x, batch);
  const target: Target = y instanceof Int32Array ? { kind: "classes", data: y } : { kind: "dense", data: y };
  const lr = lrAt(TRAIN, TRAIN.optimizer.lr, schedulePosition(TRAIN.decayPer, epoch, stepsTaken));
  const { loss, grad } = computeLoss(TRAIN.loss, LOSS_INPUT, output, target, {
    batch,
    classes: ${last.shape[last.shape.length - 1]},
  });
  model.trainBackward(grad);
  optimizer.step(model.params, model.grads, lr);
  stepsTaken++;
  return loss;
}`;
}
