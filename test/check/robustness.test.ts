// The checker never throws on user input: random token soup built from the language's own
// words and punctuation parses (with errors) and checks (with diagnostics).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { check } from "../../src/check/index.ts";
import { parse } from "../../src/syntax/parse.ts";

const tokens = [
  "model",
  "block",
  "train",
  "predict",
  "input",
  "repeat",
  "parallel",
  "from",
  "output",
  "scaling",
  "as",
  "if",
  "else",
  "and",
  "or",
  "not",
  "M",
  "b",
  "x",
  "c1",
  "n",
  "i",
  "conv",
  "dense",
  "relu",
  "add",
  "concat",
  "mul",
  "crop",
  "flatten",
  "reshape",
  "maxout",
  "batchnorm",
  "depthwise",
  "separable",
  "conv_transpose",
  "maxpool",
  "globalavgpool",
  "pad",
  "softmax",
  "sigmoid",
  "compound",
  "depth",
  "width",
  "resolution",
  "make_divisible",
  "floor",
  "round",
  "same",
  "valid",
  "loss",
  "optimizer",
  "cross_entropy",
  "adam",
  "metrics",
  "stride",
  "bias",
  "true",
  "false",
  "0",
  "1",
  "3",
  "2.5",
  "1e9",
  "-1",
  "3x3",
  "1x7",
  '"stem"',
  "{",
  "}",
  "(",
  ")",
  "[",
  "]",
  ",",
  ":",
  "->",
  "=",
  "+",
  "-",
  "*",
  "/",
  "%",
  "**",
  "==",
  "!=",
  "<",
  ">=",
  ";",
  "\n",
];

const modelPrefix = "model M(n = 2) {\n  input x: [8, 8, 4]\n";

describe("robustness", () => {
  it("check() returns diagnostics instead of throwing, for any token sequence", () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...tokens), { maxLength: 40 }), fc.boolean(), (words, inModel) => {
        const text = (inModel ? modelPrefix : "") + words.join(" ") + (inModel ? "\n}" : "");
        const { program } = parse(text);
        const result = check(program);
        for (const d of result.diagnostics) {
          expect(d.span.start).toBeGreaterThanOrEqual(0);
          expect(d.span.end).toBeLessThanOrEqual(text.length);
        }
      }),
      { numRuns: 400, seed: 1 },
    );
  });
});

describe("outputs", () => {
  it("`output a, b` marks several outputs; the summary sees both", () => {
    const { program } = parse("model M {\n  input x: [4]\n  dense(3) -> a\n  from x\n  dense(2) -> b\n  output a, b\n}");
    const g = check(program).graphs.get("M")!;
    expect(g.outputs.map((id) => g.nodes[id]!.name)).toEqual(["dense_0", "dense_1"]);
    expect(g.outputs.map((id) => g.nodes[id]!.label)).toEqual(["a", "b"]);
  });
});
