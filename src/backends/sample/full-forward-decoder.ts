// The decoder without a key/value cache: every token runs the whole window through the model
// again (O(T²) attention rows per token). Used for models the cached decoder does not cover,
// and as the reference the cached one is tested against.
import type { Executor } from "../../runtime/index.ts";
import type { CharModel } from "./char-model.ts";
import type { TokenDecoder } from "./decoder.ts";
import { scoresAsLogits } from "./decoder.ts";

/**
 * `pad`: the token that fills a `[V]`-output model's window before enough tokens were fed (the
 * boundary `.` of the words vocabulary). A `[T, V]` model is causal, so its window is the last
 * T tokens at positions 0… and whatever follows them does not change the scores read.
 */
export function fullForwardDecoder(executor: Executor, model: CharModel, pad: number): TokenDecoder {
  const history: number[] = [];
  const t = model.context;
  const v = model.vocabulary;
  const window = new Float32Array(t);
  return {
    push(token: number): Float32Array {
      history.push(token);
      const tokens = history.slice(-t);
      let row: number;
      if (model.targets === "sequence") {
        window.fill(pad);
        window.set(tokens);
        row = tokens.length - 1;
      } else {
        window.fill(pad);
        window.set(tokens, t - tokens.length);
        row = 0;
      }
      const out = executor.forward([window], 1)[0];
      return scoresAsLogits(out.slice(row * v, (row + 1) * v), model.finalOp);
    },
  };
}
