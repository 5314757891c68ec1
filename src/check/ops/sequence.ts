// Sequence ops of spec section 11 that move rows, not features: embedding (token ids → rows of
// a table), positional (adds a table's first T rows), class_token (prepends a learned row) and
// take (one position). None has MACs.
import { diagnostic } from "../../diagnostics/catalogue.ts";
import { formatShape } from "../tensor.ts";
import { requireSequence } from "./require-rank.ts";
import { weight, type OpDef } from "./op-def.ts";

/** [..S] int → [..S, dim]; vocab·dim params. */
export const embedding: OpDef = {
  signature: [{ name: "vocab", required: true }, { name: "dim", required: true }],
  reads: "int",
  build(input, a) {
    const vocab = a.count("vocab");
    const dim = a.count("dim");
    if (vocab === undefined || dim === undefined) return undefined;
    return {
      attrs: { op: "embedding", vocab, dim },
      shape: [...input, dim],
      params: [weight("embeddings", [vocab, dim])],
      macs: 0,
    };
  },
};

const POSITIONAL_MODES = ["learned", "sinusoidal"] as const;

/** [T, C] → [T, C] plus rows 0…T−1 of a [length, C] table; learned: length·C params. */
export const positional: OpDef = {
  signature: [{ name: "length", required: true }, { name: "mode" }],
  build(input, a, ctx) {
    const length = a.count("length");
    const mode = a.option("mode", POSITIONAL_MODES, "learned");
    if (length === undefined || mode === undefined || !requireSequence("positional", input, ctx)) return undefined;
    const [t, c] = input;
    if (t > length) {
      ctx.report(
        diagnostic(
          "NET3015",
          a.spanOf("length"),
          `positional(${length}) has rows for ${length} positions, but the sequence ${formatShape(input)} has ${t}; use positional(${t}) or a shorter input`,
          { fixes: a.has("length") ? [{ title: `change to ${t}`, edits: [{ span: a.spanOf("length"), newText: String(t) }] }] : [] },
        ),
      );
      return undefined;
    }
    return {
      attrs: { op: "positional", length, mode },
      shape: input,
      params: mode === "learned" ? [weight("embeddings", [length, c])] : [],
      macs: 0,
    };
  },
};

/** [T, C] → [T+1, C], a learned row prepended (ViT, BERT's [CLS]); C params. */
export const classToken: OpDef = {
  signature: [],
  build(input, _a, ctx) {
    if (!requireSequence("class_token", input, ctx)) return undefined;
    const [t, c] = input;
    return { attrs: { op: "class_token" }, shape: [t + 1, c], params: [weight("token", [c])], macs: 0 };
  },
};

/** [T, ..rest] → [..rest]: position `index` (negative counts from the end). Reads token ids too. */
export const take: OpDef = {
  signature: [{ name: "index", required: true }],
  reads: "any",
  build(input, a, ctx, ref) {
    const index = a.int("index", undefined);
    if (index === undefined) return undefined;
    if (input.length < 2) {
      ctx.report(
        diagnostic("NET3009", ctx.span, `take expects a sequence [T, C] (rank 2 or more), got ${formatShape(input)}`),
      );
      return undefined;
    }
    const t = input[0]!;
    const resolved = index < 0 ? index + t : index;
    if (resolved < 0 || resolved >= t) {
      a.outOfRangeAt("index", `take(${index}) is out of range for ${t} positions in ${formatShape(input)}; use an index from ${-t} to ${t - 1}`);
      return undefined;
    }
    return {
      attrs: { op: "take", index: resolved },
      shape: input.slice(1),
      params: [],
      macs: 0,
      ...(ref?.dtype ? { dtype: ref.dtype } : {}),
    };
  },
};
