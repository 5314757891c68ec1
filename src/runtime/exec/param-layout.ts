// Where each parameter tensor lives in the arena: all trainable tensors first, contiguous (so an
// optimizer can sweep them, and their gradients, as one array), then — in training — the
// gradients in the same order, then the non-trainable tensors (batchnorm running stats).
import { sizeOf } from "../kernel.ts";
import { align4 } from "./memory-plan.ts";
import type { ParamSpec } from "../ops.ts";

export interface ParamLayout {
  /** Float offset of each `<layer>.<tensor>` value (its gradient is at `gradBase` further). */
  readonly offsets: ReadonlyMap<string, number>;
  readonly trainableFloats: number;
  /** Offset of the gradient block (= trainableFloats). */
  readonly gradBase: number;
  /** Floats of the whole parameter region. */
  readonly totalFloats: number;
}

export function layoutParams(
  layers: readonly { readonly name: string; readonly specs: readonly ParamSpec[] }[],
  training: boolean,
): ParamLayout {
  const offsets = new Map<string, number>();
  let next = 0;
  const place = (trainable: boolean) => {
    for (const { name, specs } of layers) {
      for (const spec of specs) {
        if (spec.trainable !== trainable) continue;
        const key = `${name}.${spec.name}`;
        if (offsets.has(key)) throw new Error(`two layers are named "${name}": parameter "${key}" would be shared`);
        offsets.set(key, next);
        next += align4(sizeOf(spec.shape));
      }
    }
  };
  place(true);
  const trainableFloats = next;
  if (training) next += trainableFloats;
  place(false);
  return { offsets, trainableFloats, gradBase: trainableFloats, totalFloats: next };
}
