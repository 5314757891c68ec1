// Hover contents on MobileNet v1 (LANGUAGE.md section 10), with counts worked out by hand.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { analyze } from "../../src/lsp/analysis.ts";
import { hover } from "../../src/lsp/hover.ts";
import { repoRoot } from "./lsp-client.ts";

const text = readFileSync(join(repoRoot, "examples/mobilenet_v1.net"), "utf8");
const a = analyze(text, 1);
const hoverAt = (needle: string, delta = 1, source = a) => {
  const at = source.text.indexOf(needle);
  expect(at, needle).toBeGreaterThanOrEqual(0);
  const h = hover(source, at + delta);
  return h ? (h.contents as { value: string }).value : undefined;
};

describe("hover", () => {
  it("on the model: Keras totals, MACs and memory", () => {
    const h = hoverAt("MobileNetV1")!;
    expect(h).toContain("**4,253,864** (4,231,976 trainable, 21,888 non-trainable)");
    expect(h).toContain("**568,740,352**");
    expect(h).toContain("`224×224×3` → `1000`");
    // 4 bytes per parameter: 17,015,456 B = 16.2 MiB
    expect(h).toContain("parameter memory | 16.2 MiB");
  });

  it("on a block call: the call's totals and the block's signature", () => {
    const h = hoverAt("dwsep(64")!;
    expect(h).toContain("block dwsep(filters, stride = 1)");
    // depthwise 3·3·32 + batchnorm 4·32 + pointwise 32·64 + batchnorm 4·64 = 2,720 (192 non-trainable);
    // MACs 112·112·32·9 + 112·112·64·32 = 29,302,784
    expect(h).toContain("output `112×112×64` · params **2,720** (192 non-trainable) · MACs **29,302,784**");
  });

  it("on an op inside a block: every expansion's shape and the sums", () => {
    const h = hoverAt("depthwise(")!;
    expect(h).toContain("over 13 expansions");
    expect(h).toContain("`112×112×32`, `56×56×64`");
    expect(h).toContain("Depthwise convolution");
  });

  it("on repeat: the totals of its five expansions", () => {
    // 5 · (9·512 + 4·512 + 512·512 + 4·512) = 1,354,240 params;
    // 5 · (14·14·512·9 + 14·14·512·512) = 261,416,960 MACs
    const h = hoverAt("repeat 5")!;
    expect(h).toContain("output `14×14×512` · params **1,354,240** (10,240 non-trainable) · MACs **261,416,960**");
    expect(h).not.toContain("expansions");
  });

  it("on parameters: the declaration and the value used", () => {
    expect(hoverAt("alpha = 1.0")).toContain("parameter of model MobileNetV1; value `1`");
    expect(hoverAt("stride = stride", 10)).toContain("parameter of block dwsep");
  });

  it("on a label and an input: the shape", () => {
    const b = analyze("model M {\n  input x: [8, 8, 3]\n  conv(4, 3x3) -> c\n  add(c)\n}\n", 1);
    expect(hoverAt("add(c", 4, b)).toContain("shape `6×6×4`");
    expect(hoverAt("x:", 0, b)).toContain("shape `8×8×3`");
  });

  it("on train keys, option words and built-in functions", () => {
    const b = analyze(
      "model M(c = 10) {\n  input x: [4]\n  dense(make_divisible(c))\n}\ntrain M {\n  loss: mse\n  optimizer: adam(lr = 0.01)\n}\n",
      1,
    );
    expect(hoverAt("optimizer", 1, b)).toContain("values: `sgd(lr, momentum = 0, nesterov = false, weight_decay = 0)`");
    expect(hoverAt("adam", 1, b)).toContain(
      "adam(lr = 0.001, beta1 = 0.9, beta2 = 0.999, eps = 1e-8, weight_decay = 0)",
    );
    expect(hoverAt("make_divisible", 1, b)).toContain("make_divisible(v, d = 8)");
    const commented = analyze("// max(1, 2)\nmodel M {\n  input x: [4]\n}\n", 1);
    expect(hoverAt("max", 1, commented)).toBeUndefined();
  });

  it("on a model with errors: says totals wait for a clean check", () => {
    const b = analyze("model M {\n  input x: [4]\n  conv(4, 3x3)\n}\n", 1);
    expect(hoverAt("M {", 0, b)).toContain("once the model checks without errors");
    expect(hover(b, b.text.indexOf("\n  input"))).toBeNull();
  });
});

describe("hover on sequence models", () => {
  const gpt2 = analyze(readFileSync(join(repoRoot, "examples/gpt2.net"), "utf8"), 1);

  it("on attention inside the decoder block: its shape and sums over the 12 expansions", () => {
    const h = hoverAt("attention(", 1, gpt2)!;
    expect(h).toContain("over 12 expansions");
    expect(h).toContain("`1024×768`");
    // 12 · (4·768² + 4·768) params; 12 · (4·1024·768² + 2·1024²·768) MACs
    expect(h).toContain("params **28,348,416**");
    expect(h).toContain("MACs **48,318,382,080**");
    expect(h).toContain("Multi-head scaled dot-product attention");
  });

  it("on the model: the exact GPT-2 totals", () => {
    const h = hoverAt("model GPT2", 7, gpt2)!;
    expect(h).toContain("**124,439,808**");
    expect(h).toContain("**145,824,153,600**");
  });
});

describe("hover on an int input", () => {
  it("says it holds token ids", () => {
    const lstm = analyze(readFileSync(join(repoRoot, "examples/lstm_text.net"), "utf8"), 1);
    expect(hoverAt("input ids", 7, lstm)).toContain("shape `200`, int token ids (for embedding or take)");
  });
});
