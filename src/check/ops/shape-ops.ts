// Ops that move elements without arithmetic: flatten, reshape, transpose, crop, pad.
import { diagnostic } from "../../diagnostics/catalogue.ts";
import { elementCount, formatShape } from "../tensor.ts";
import { requireImage } from "./require-rank.ts";
import { type OpDef } from "./op-def.ts";

export const flatten: OpDef = {
  signature: [],
  build(input) {
    return {
      attrs: { op: "flatten" },
      shape: [elementCount(input)],
      params: [],
      macs: 0,
    };
  },
};

export const reshape: OpDef = {
  signature: [{ name: "shape", required: true }],
  build(input, a, ctx) {
    const target = a.intList("shape");
    if (!target) return undefined;
    const count = elementCount(input);
    const inferred = target.filter((d) => d === -1).length;
    const known = elementCount(target.filter((d) => d !== -1));
    const bad = target.some((d) => d === 0) || inferred > 1 || (inferred === 1 ? count % known !== 0 : known !== count);
    if (bad) {
      ctx.report(
        diagnostic(
          "NET3010",
          a.spanOf("shape"),
          `reshape to ${formatShape(target)} does not keep the ${count} elements of ${formatShape(input)}`,
        ),
      );
      return undefined;
    }
    const shape = target.map((d) => (d === -1 ? count / known : d));
    return { attrs: { op: "reshape", shape }, shape, params: [], macs: 0 };
  },
};

export const crop: OpDef = {
  signature: [{ name: "to", required: true }],
  build(input, a, ctx) {
    const target = a.tensor("to");
    if (!target || !requireImage("crop", input, ctx)) return undefined;
    const [h, w] = target.shape;
    if (target.shape.length !== 3 || h === undefined || w === undefined) {
      ctx.report(
        diagnostic("NET3009", a.spanOf("to"), `crop's target must be an [H, W, C] tensor, got ${formatShape(target.shape)}`),
      );
      return undefined;
    }
    if (h > input[0] || w > input[1]) {
      ctx.report(
        diagnostic(
          "NET3012",
          ctx.span,
          `crop to ${h}x${w} (the size of ${formatShape(target.shape)}) is larger than the input ${formatShape(input)}`,
        ),
      );
      return undefined;
    }
    const top = Math.floor((input[0] - h) / 2);
    const left = Math.floor((input[1] - w) / 2);
    return {
      attrs: { op: "crop", top, left },
      shape: [h, w, input[2]],
      params: [],
      macs: 0,
    };
  },
};

export const pad: OpDef = {
  signature: [{ name: "amount", required: true }, { name: "mode" }],
  build(input, a, ctx) {
    const amount = a.bound.values.get("amount");
    const sides = amount && a.pad4(amount, "amount");
    const mode = a.option("mode", ["zero", "mirror"] as const, "zero");
    if (sides === undefined || mode === undefined || !requireImage("pad", input, ctx)) return undefined;
    const [top, bottom, left, right] = sides;
    if (mode === "mirror" && (Math.max(top, bottom) >= input[0] || Math.max(left, right) >= input[1])) {
      ctx.report(
        diagnostic(
          "NET3003",
          a.spanOf("amount"),
          `mirror padding must be smaller than the input's height and width (${input[0]}x${input[1]}), got [${sides.join(", ")}]`,
        ),
      );
      return undefined;
    }
    return {
      attrs: { op: "pad", pad: sides, mode },
      shape: [input[0] + top + bottom, input[1] + left + right, input[2]],
      params: [],
      macs: 0,
    };
  },
};

/** transpose(perm): output axis i is input axis perm[i] (`transpose([1, 0])` swaps T and C). */
export const transpose: OpDef = {
  signature: [{ name: "perm", required: true }],
  build(input, a) {
    const perm = a.intList("perm");
    if (perm === undefined) return undefined;
    const rank = input.length;
    const isPermutation = perm.length === rank && [...perm].sort((x, y) => x - y).every((axis, i) => axis === i);
    if (!isPermutation) {
      const example = [...input.keys()].reverse().join(", ");
      a.outOfRangeAt(
        "perm",
        `transpose's perm must order each of the ${rank} axes of ${formatShape(input)} once, e.g. [${example}]; got [${perm.join(", ")}]`,
      );
      return undefined;
    }
    return { attrs: { op: "transpose", perm }, shape: perm.map((axis) => input[axis]!), params: [], macs: 0 };
  },
};
