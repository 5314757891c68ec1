// Completion and signature help in each syntactic context, on the functions the server calls.
import { describe, expect, it } from "vitest";
import { analyze } from "../../src/lsp/analysis.ts";
import { completions, snippetToText } from "../../src/lsp/completion.ts";
import { signatureHelp } from "../../src/lsp/signature-help.ts";

/** Completion labels at the `|` in the text. */
function complete(marked: string, snippets = true) {
  const offset = marked.indexOf("|");
  const text = marked.slice(0, offset) + marked.slice(offset + 1);
  return completions(analyze(text, 1), offset, { snippets });
}
const labels = (marked: string) => complete(marked).map((i) => i.label);

function help(marked: string) {
  const offset = marked.indexOf("|");
  const text = marked.slice(0, offset) + marked.slice(offset + 1);
  return signatureHelp(analyze(text, 1), offset);
}

const model = (body: string, params = "(alpha = 1.0, classes = 10)") => `model M${params} {
  input image: [32, 32, 3]
  block dwsep(filters, stride = 1) {
    depthwise(3x3, stride = stride, pad = 1)
    pointwise(filters)
  }
  conv(16, 3x3) -> c1
${body}
}
`;

describe("completion in a model body", () => {
  it("offers ops with snippets of their required arguments, visible blocks and statement keywords", () => {
    const items = complete(model("  |"));
    const conv = items.find((i) => i.label === "conv")!;
    expect(conv.insertText).toBe("conv(${1:filters}, ${2:kernel})");
    expect(conv.detail).toBe("conv(filters, kernel, stride = 1, pad = valid, dilation = 1, groups = 1, bias = true)");
    expect(items.find((i) => i.label === "relu")!.insertText).toBe("relu");
    const block = items.find((i) => i.label === "dwsep")!;
    expect(block.insertText).toBe("dwsep(${1:filters})");
    expect(block.detail).toBe("dwsep(filters, stride = 1)");
    expect(items.map((i) => i.label)).toEqual(
      expect.arrayContaining(["input", "repeat", "parallel", "from", "output", "if", "scaling"]),
    );
  });

  it("offers a new statement after a complete one on the same line", () => {
    expect(labels(model("  conv(48, 1x1)  re|"))).toContain("relu");
  });

  it("offers labels and inputs after from, in add/concat/mul and crop(to =)", () => {
    expect(labels(model("  from |"))).toEqual(["image", "c1"]);
    expect(labels(model("  add(|"))).toEqual(["image", "c1", "name ="]);
    expect(labels(model("  concat(c1, |"))).toEqual(expect.arrayContaining(["image", "c1", "axis ="]));
    expect(labels(model("  crop(to = |"))).toContain("c1");
    expect(labels(model("  output |"))).toEqual(["image", "c1"]);
  });

  it("offers named arguments not yet given, and the option words of an argument", () => {
    const named = labels(model("  conv(16, 3x3, stride = 2, |"));
    expect(named).toEqual(expect.arrayContaining(["pad =", "dilation =", "groups =", "bias ="]));
    expect(named).not.toContain("stride =");
    expect(named).not.toContain("filters =");
    expect(labels(model("  conv(16, 3x3, pad = |"))).toEqual(
      expect.arrayContaining(["valid", "same", "alpha", "classes"]),
    );
    expect(labels(model("  upsample(mode = |"))).toEqual(expect.arrayContaining(['"nearest"', '"bilinear"']));
    expect(labels(model("  dwsep(64, |"))).toContain("stride =");
    expect(complete(model("  relu(|")).find((i) => i.label === "name =")!.insertText).toBe('name = "$1"');
    expect(labels(model('  relu(name = "r", |'))).not.toContain("name =");
  });

  it("offers model parameters, loop variables and built-ins in expressions", () => {
    const inRepeat = labels(model("  repeat 3 as i {\n    conv(16 * |)\n  }"));
    expect(inRepeat).toEqual(expect.arrayContaining(["i", "alpha", "classes", "make_divisible"]));
    expect(labels(model("  dense(|"))).toEqual(expect.arrayContaining(["units =", "alpha", "classes"]));
  });

  it("sees a block's own parameters inside it, shadowing the model's", () => {
    const text = `model M(filters = 8) {\n  input x: [8, 8, 1]\n  block b(filters, k = 3) {\n    conv(|)\n  }\n}\n`;
    const values = complete(text).filter((i) => i.detail?.startsWith("parameter"));
    expect(values.map((v) => v.detail)).toEqual(["parameter: filters", "parameter: k = 3"]);
  });

  it("offers nothing inside comments and strings, and nothing where a new name goes", () => {
    expect(labels(model("  // conv(|"))).toEqual([]);
    expect(labels(model('  upsample(mode = "ne|")'))).toEqual([]);
    expect(labels(model("  conv(8, 3x3) -> |"))).toEqual([]);
  });

  it("inserts plain text for clients without snippet support", () => {
    const conv = complete(model("  |"), false).find((i) => i.label === "conv")!;
    expect(conv.insertText).toBe("conv(filters, kernel)");
    expect(snippetToText("parallel ${1|add,concat,mul|} {\n\t{ $0 }\n}")).toBe("parallel add {\n\t{  }\n}");
  });
});

describe("completion at the top level and in train/predict sections", () => {
  it("offers declaration keywords at the top level and model names after train", () => {
    expect(labels("|")).toEqual(["model", "block", "train", "predict"]);
    expect(labels(`${model("")}\ntrain |`)).toEqual(["M"]);
  });

  it("offers the keys not yet written, then the values of a key", () => {
    const keys = labels(`${model("")}\ntrain M {\n  loss: mse\n  |\n}`);
    expect(keys).toEqual(expect.arrayContaining(["optimizer", "decay", "batch", "epochs", "metrics"]));
    expect(keys).not.toContain("loss");
    expect(labels(`${model("")}\ntrain M {\n  loss: |\n}`)).toEqual([
      "cross_entropy",
      "binary_cross_entropy",
      "kl_divergence",
      "mse",
      "dice",
    ]);
    expect(labels(`${model("")}\ntrain M {\n  optimizer: |\n}`)).toEqual([
      "sgd",
      "momentum",
      "rmsprop",
      "adam",
      "adamw",
    ]);
    expect(labels(`${model("")}\ntrain M {\n  decay: |\n}`)).toEqual(["none", "step", "exponential", "cosine"]);
    expect(labels(`${model("")}\ntrain M {\n  metrics: [accuracy, |]\n}`)).toEqual([
      "accuracy",
      "macro_f1",
      "dice",
      "top_k",
    ]);
    expect(labels(`${model("")}\npredict M {\n  |\n}`)).toEqual(["tiles", "batch"]);
  });

  it("offers an option's arguments inside its parentheses", () => {
    const args = labels(`${model("")}\ntrain M {\n  optimizer: adam(lr = 0.01, |)\n}`);
    expect(args).toEqual(["beta1 =", "beta2 =", "eps =", "weight_decay ="]);
    const step = complete(`${model("")}\ntrain M {\n  decay: |\n}`).find((i) => i.label === "step")!;
    expect(step.insertText).toBe("step(every = ${1})");
  });
});

describe("signature help", () => {
  it("marks the positional argument under the cursor", () => {
    const h = help(model("  conv(16, |"))!;
    const sig = h.signatures[0]!;
    expect(sig.label).toBe("conv(filters, kernel, stride = 1, pad = valid, dilation = 1, groups = 1, bias = true)");
    const [start, end] = sig.parameters![h.activeParameter!]!.label as [number, number];
    expect(sig.label.slice(start, end)).toBe("kernel");
  });

  it("marks a named argument, in blocks and options too", () => {
    const h = help(model("  dwsep(64, stride = |"))!;
    const [start, end] = h.signatures[0]!.parameters![h.activeParameter!]!.label as [number, number];
    expect(h.signatures[0]!.label.slice(start, end)).toBe("stride = 1");
    const opt = help(`${model("")}\ntrain M {\n  optimizer: adam(lr = 0.01, eps = |)\n}`)!;
    expect(opt.signatures[0]!.label).toBe("adam(lr = 0.001, beta1 = 0.9, beta2 = 0.999, eps = 1e-8, weight_decay = 0)");
    expect(opt.activeParameter).toBe(3);
  });

  it("answers null outside calls", () => {
    expect(help(model("  relu|"))).toBeNull();
  });
});

describe("sequence ops in the editor (spec section 11)", () => {
  const gpt = (body: string) => `model G {
  input ids: [16] int
  embedding(27, 32, name = "wte") -> e
  positional(16)
${body}
}
`;

  it("completion offers the new ops, their option words and context labels", () => {
    const ops = labels(gpt("  |"));
    expect(ops).toEqual(expect.arrayContaining(["attention", "layernorm", "embedding", "lstm", "gru", "take", "rmsnorm"]));
    expect(labels(gpt("  attention(4, causal = |"))).toEqual(expect.arrayContaining(["true", "false"]));
    expect(labels(gpt("  positional(16, mode = |"))).toEqual(expect.arrayContaining(['"learned"', '"sinusoidal"']));
    expect(labels(gpt("  attention(4, context = |"))).toContain("e");
    expect(labels(gpt("  sub(|"))).toContain("e");
    expect(labels(gpt("  dense(27, tie = |"))).toContain('"wte"');
  });

  it("signature help shows attention's defaults and marks the argument", () => {
    const h = help(gpt("  attention(4, causal = true, |"))!;
    const sig = h.signatures[0]!;
    expect(sig.label).toBe("attention(heads, causal = false, bias = true, context = none, dropout = 0)");
    expect(help(gpt("  dense(27, tie = |"))!.signatures[0]!.label).toBe("dense(units, bias = true, tie = none)");
  });
});
