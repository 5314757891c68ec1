// The check() API: graphs, auto names, scoping, --param overrides, facts, notes and fixes.
import { describe, expect, it } from "vitest";
import { check, symbolAt, type CheckOptions } from "../../src/check/index.ts";
import { parse } from "../../src/syntax/parse.ts";

function run(text: string, options?: CheckOptions) {
  const parsed = parse(text);
  expect(parsed.diagnostics).toEqual([]);
  return { ...check(parsed.program, options), program: parsed.program, text };
}

const errors = (r: ReturnType<typeof run>) => r.diagnostics.filter((d) => d.severity === "error");

describe("expansion", () => {
  it("names layers <op>_<k> per op in the order of the expanded graph; name = overrides", () => {
    const r = run(`
model M {
  input x: [8, 8, 3]
  block unit(f) { conv(f, 3x3, pad = 1) batchnorm relu }
  conv(4, 1x1, name = "stem")
  repeat 2 { unit(4) }
  parallel add { { } { conv(4, 1x1) } }
}`);
    expect(errors(r)).toEqual([]);
    const names = r.graphs.get("M")!.nodes.map((n) => n.name);
    expect(names).toEqual(["x", "stem", "conv_0", "batchnorm_0", "relu_0", "conv_1", "batchnorm_1", "relu_1", "conv_2", "add_0"]);
  });

  it("records the call site of nodes expanded from a block", () => {
    const r = run("model M {\n  input x: [4]\n  block b { relu }\n  b\n}");
    const relu = r.graphs.get("M")!.nodes[1]!;
    expect(r.text.slice(relu.span.start, relu.span.end)).toBe("relu");
    expect(r.text.slice(relu.callSite.start, relu.callSite.end)).toBe("b");
  });

  it("gives a block lexical scope: model params visible, own params shadow them", () => {
    const r = run(`
model M(width = 3, units = 5) {
  input x: [4]
  block head(units = 7) { dense(units * width) }
  head
  head(units = 2)
  dense(units)
}`);
    expect(errors(r)).toEqual([]);
    expect(
      r.graphs
        .get("M")!
        .nodes.slice(1)
        .map((n) => n.shape[0]),
    ).toEqual([21, 6, 5]);
  });

  it("does not let a top-level block see a model's parameters", () => {
    const r = run("block b { dense(units) }\nmodel M(units = 3) {\n  input x: [4]\n  b\n}");
    expect(errors(r).map((d) => `${d.code} ${d.message}`)).toEqual(["NET2003 unknown name 'units'"]);
  });

  it("runs if/else on parameters, repeat with a loop variable, labels into blocks", () => {
    const r = run(`
model M(deep = true) {
  input x: [4]
  block skip(from_here) { add(from_here) }
  dense(4) -> h
  if deep { repeat 3 as i { dense(4 + i) dense(4) } } else { relu }
  skip(h)
}`);
    expect(errors(r)).toEqual([]);
    const shapes = r.graphs.get("M")!.nodes.map((n) => `${n.name}:${n.shape}`);
    expect(shapes).toEqual([
      "x:4",
      "dense_0:4",
      "dense_1:4",
      "dense_2:4",
      "dense_3:5",
      "dense_4:4",
      "dense_5:6",
      "dense_6:4",
      "add_0:4",
    ]);
  });

  it("returns no graph for a model with errors, and a graph for the others", () => {
    const r = run("model Bad {\n  input x: [4, 4, 3]\n  dense(2)\n}\nmodel Good {\n  input x: [4]\n  dense(2)\n}");
    expect([...r.graphs.keys()]).toEqual(["Good"]);
    const [d] = errors(r);
    expect(d!.fixes!.map((f) => f.title)).toEqual(["insert flatten()", "insert globalavgpool()"]);
    expect(d!.fixes![0]!.edits[0]!.span.start).toBe(r.text.indexOf("dense(2)"));
  });
});

describe("--param overrides", () => {
  const text = "model M(alpha = 1.0) {\n  input x: [8, 8, 3]\n  conv(16 * alpha, 1x1)\n}";

  it("replaces a default", () => {
    const r = run(text, { params: { alpha: 0.5 } });
    expect(r.graphs.get("M")!.nodes[1]!.shape).toEqual([8, 8, 8]);
    expect(r.graphs.get("M")!.params).toEqual({ alpha: 0.5 });
  });

  it("rejects an unknown parameter with did-you-mean", () => {
    const r = run(text, { params: { alhpa: 0.5 } });
    expect(errors(r).map((d) => `${d.code} ${d.message}`)).toEqual([
      "NET2014 --param alhpa: model M has no parameter 'alhpa' (its parameters are alpha); did you mean 'alpha'?",
    ]);
  });

  it("applies only to the chosen model", () => {
    const r = run(`${text}\nmodel N {\n  input x: [1]\n}`, { model: "M", params: { alpha: 0.25 } });
    expect(errors(r)).toEqual([]);
    expect(r.graphs.get("M")!.nodes[1]!.shape).toEqual([8, 8, 4]);
  });

  it("reports a non-integer channel count produced by a parameter", () => {
    const r = run(text, { params: { alpha: 0.3 } });
    expect(errors(r).map((d) => d.code)).toEqual(["NET3002"]);
  });
});

describe("facts for the editor", () => {
  const r = run("model M(k = 2) {\n  input x: [8]\n  block b(n) { dense(n * k) }\n  dense(4) -> h\n  b(3)\n  add(h)\n}");

  it("maps statements to their output shapes, params, MACs and node ids", () => {
    const model = r.program.items[0]!;
    if (model.kind !== "Model") throw new Error("expected a model");
    const call = model.body.find((s) => s.kind === "Layer" && s.callee.name === "b")!;
    const facts = r.facts.statements.get(call)!;
    expect(facts.outputs).toEqual([[6]]);
    expect([facts.params, facts.macs]).toEqual([4 * 6 + 6, 24]);
    expect(facts.nodeIds).toEqual([{ model: "M", id: 2 }]);
  });

  it("finds declarations and references of labels, blocks and params", () => {
    const label = symbolAt(r.facts, r.text.indexOf("add(h)") + 4)!;
    expect(label).toMatchObject({ kind: "label", name: "h" });
    expect(label.declaration.start).toBe(r.text.indexOf("-> h") + 3);
    const param = symbolAt(r.facts, r.text.indexOf("k = 2"))!;
    expect(param.kind).toBe("param");
    expect(param.references.map((s) => r.text.slice(s.start, s.end))).toEqual(["k"]);
    const block = symbolAt(r.facts, r.text.indexOf("b(3)"))!;
    expect(block).toMatchObject({ kind: "block", name: "b" });
  });
});

describe("diagnostics", () => {
  it("attach related notes: the first declaration of a duplicate label", () => {
    const r = run("model M {\n  input x: [4]\n  relu -> a\n  relu -> a\n  add(a)\n}");
    const [d] = errors(r);
    expect(d!.code).toBe("NET2009");
    expect(d!.related!.map((n) => [n.message, n.span.start])).toEqual([["first declared here", r.text.indexOf("a\n")]]);
  });

  it("report a mistake inside a block once, with a note at the call", () => {
    const r = run("model M {\n  input x: [4]\n  block b { dense(10 * 0.75) }\n  b\n  b\n}");
    const errs = errors(r);
    expect(errs.map((d) => d.code)).toEqual(["NET3002"]);
    expect(errs[0]!.related!.map((n) => n.message)).toEqual(["in this call of b"]);
  });

  it("turn recursion into an error, not a stack overflow", () => {
    const r = run("block a { a }\nmodel M {\n  input x: [4]\n  a\n}");
    expect(errors(r).map((d) => d.code)).toEqual(["NET2011"]);
  });

  it("stop an absurd expansion (repeat 1e9) with one error instead of hanging", () => {
    const r = run("model M {\n  input x: [4]\n  repeat 1e9 { relu }\n}");
    expect(errors(r).map((d) => d.code)).toEqual(["NET3008"]);
  });

  it("offer bias = false for a conv followed by batchnorm", () => {
    const r = run("model M {\n  input x: [4, 4, 3]\n  conv(4, 1x1)\n  batchnorm\n  relu\n}");
    const d = r.diagnostics.find((x) => x.code === "NET5003")!;
    const edit = d.fixes![0]!.edits[0]!;
    expect(edit.newText).toBe(", bias = false");
    expect(edit.span.start).toBe(r.text.indexOf("1x1") + 3);
  });
});

describe("memory", () => {
  it("peak inference bytes free tensors after their last use; training keeps all", () => {
    const r = run("model M {\n  input x: [4]\n  dense(3)\n  relu\n  dense(2)\n}");
    const t = r.graphs.get("M")!.totals;
    expect([t.activationBytesInference, t.activationBytesTraining, t.paramBytes]).toEqual([28, 48, 4 * (15 + 8)]);
  });

  it("keeps a skip connection's source alive until the merge", () => {
    const r = run("model M {\n  input x: [2, 2, 1]\n  conv(1, 1x1)\n  add(x)\n}");
    expect(r.graphs.get("M")!.totals.activationBytesInference).toBe(48);
  });
});

describe("train and predict sections", () => {
  it("resolve to configs with the spec's defaults", () => {
    const r = run(`
model M {
  input x: [4]
  dense(2)
}
train M {
  loss: cross_entropy(label_smoothing = 0.1)
  optimizer: momentum(0.1)
  decay: exponential(rate = 0.5)
  warmup: 2
  decay_per: step
  metrics: [accuracy, top_k(5)]
}
predict M {
  tiles: overlap(tile = 64, margin = 4)
}`);
    expect(errors(r)).toEqual([]);
    const g = r.graphs.get("M")!;
    expect(g.train).toMatchObject({
      loss: { kind: "cross_entropy", labelSmoothing: 0.1 },
      optimizer: { kind: "sgd", lr: 0.1, momentum: 0.9, nesterov: false, weightDecay: 0 },
      decay: { kind: "exponential_rate", rate: 0.5 },
      warmup: 2,
      decayPer: "step",
      batch: 32,
      epochs: 10,
      shuffle: true,
      seed: 0,
      validation: 0.2,
      metrics: [{ kind: "accuracy" }, { kind: "top_k", k: 5 }],
    });
    expect(g.predict).toMatchObject({ tiles: { tile: 64, margin: 4, pad: "mirror" } });
  });
});
