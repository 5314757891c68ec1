// The key/value-cached decoder as a TokenDecoder: each token costs one position of the model
// (attention over the cached keys and values of the earlier ones), so n tokens cost O(n·T)
// attention rows instead of O(n·T²) for whole-window forwards. The model takes at most T
// positions; when they are used up, the cache restarts from the last ⌊T/2⌋ tokens, so the context
// stays between T/2 and T tokens and re-feeding costs one extra position per generated token on
// average.
import type { Decoder } from "../../runtime/index.ts";
import type { CharModel } from "./char-model.ts";
import { scoresAsLogits, type TokenDecoder } from "./decoder.ts";

export function cachedDecoder(decoder: Decoder, model: CharModel): TokenDecoder {
  const history: number[] = [];
  const keep = Math.max(1, Math.floor(decoder.length / 2));
  return {
    push(token: number): Float32Array {
      history.push(token);
      if (decoder.position === decoder.length) {
        decoder.reset();
        const context = history.slice(-keep);
        for (const t of context.slice(0, -1)) decoder.step(t);
        history.splice(0, history.length - keep);
      }
      return scoresAsLogits(decoder.step(token).slice(), model.finalOp);
    },
  };
}
