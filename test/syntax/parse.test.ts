import { describe, expect, it } from "vitest";
import { parse } from "../../src/syntax/parse.ts";
import type { IfStmt, LayerStmt, ModelDecl, TrainDecl } from "../../src/syntax/ast.ts";
import { exprOf, parseOk, show, statementsOf, validPrograms, withoutSpans } from "./helpers.ts";

describe("the example programs", () => {
  for (const [name, text] of validPrograms()) {
    it(`${name} parses without diagnostics`, () => {
      const program = parseOk(text);
      expect(program.items.length).toBeGreaterThan(0);
    });
  }

  it("LeNet5 has its 14 statements and 6 training entries", () => {
    const program = parseOk(validPrograms().get("spec-lenet5.net")!);
    const [model, train] = program.items as [ModelDecl, TrainDecl];
    expect(model.kind).toBe("Model");
    expect(model.name.name).toBe("LeNet5");
    expect(model.hasParens).toBe(false);
    expect(model.body.map((s) => (s.kind === "Layer" ? s.callee.name : s.kind))).toEqual([
      "Input", "conv", "tanh", "avgpool", "conv", "tanh", "avgpool", "flatten",
      "dense", "tanh", "dense", "tanh", "dense", "softmax",
    ]);
    expect(train.kind).toBe("Train");
    expect(train.model.name).toBe("LeNet5");
    expect(train.entries.map((e) => e.key.name)).toEqual(["loss", "optimizer", "decay", "batch", "epochs", "metrics"]);
    expect(show(train.entries[1]!.value)).toBe("adam(lr = 0.001)");
    expect(show(train.entries[5]!.value)).toBe("[accuracy, macro_f1]");
  });

  it("MobileNetV1 has its parameters, a nested block and a repeat", () => {
    const model = parseOk(validPrograms().get("spec-mobilenet-v1.net")!).items[0] as ModelDecl;
    expect(model.params.map((p) => [p.name.name, p.default && show(p.default)])).toEqual([
      ["alpha", "1.0"],
      ["classes", "1000"],
    ]);
    const block = model.body[1]!;
    expect(block.kind).toBe("Block");
    expect(block.kind === "Block" && block.params.map((p) => p.name.name)).toEqual(["filters", "stride"]);
    const repeat = model.body.find((s) => s.kind === "Repeat")!;
    expect(withoutSpans(repeat)).toMatchObject({ kind: "Repeat", count: { kind: "Number", value: 5 } });
  });
});

describe("declarations", () => {
  it("reads models and blocks with and without parameter lists", () => {
    const items = parseOk("model A {}\nmodel B() {}\nblock stem { relu }\nblock b(x, y = 2) { }").items;
    expect(items.map((i) => [i.kind, "hasParens" in i && i.hasParens, "params" in i && i.params.length])).toEqual([
      ["Model", false, 0],
      ["Model", true, 0],
      ["Block", false, 0],
      ["Block", true, 2],
    ]);
  });

  it("reads blocks nested in models and in blocks", () => {
    const model = parseOk("model M { block a { block b { relu } b } a }").items[0] as ModelDecl;
    expect(withoutSpans(model.body)).toEqual([
      {
        kind: "Block",
        name: { kind: "Ident", name: "a" },
        params: [],
        hasParens: false,
        body: [
          {
            kind: "Block",
            name: { kind: "Ident", name: "b" },
            params: [],
            hasParens: false,
            body: [{ kind: "Layer", callee: { kind: "Ident", name: "relu" }, args: [], hasParens: false }],
          },
          { kind: "Layer", callee: { kind: "Ident", name: "b" }, args: [], hasParens: false },
        ],
      },
      { kind: "Layer", callee: { kind: "Ident", name: "a" }, args: [], hasParens: false },
    ]);
  });

  it("reads train and predict entries with any expression as value", () => {
    const [train, predict] = parseOk(
      "train M { loss: cross_entropy; decay_per: epoch metrics: [accuracy, top_k(5)] validation: 0.2 * 1 }\n" +
        'predict M { tiles: overlap(tile = 572, pad = "mirror") }',
    ).items;
    expect(train!.kind === "Train" && train.entries.map((e) => `${e.key.name}: ${show(e.value)}`)).toEqual([
      "loss: cross_entropy",
      "decay_per: epoch",
      "metrics: [accuracy, top_k(5)]",
      "validation: (0.2 * 1)",
    ]);
    expect(predict!.kind === "Predict" && predict.entries.map((e) => `${e.key.name}: ${show(e.value)}`)).toEqual([
      'tiles: overlap(tile = 572, pad = "mirror")',
    ]);
  });

  it("keywords are not names", () => {
    expect(parse("model model { }").diagnostics).toHaveLength(1);
    expect(parse("model M { input x: [1] repeat }").diagnostics).toHaveLength(1);
    // but names that merely start with a keyword are names
    expect(show(exprOf("modelx + input_size + iffy + order"))).toBe("(((modelx + input_size) + iffy) + order)");
  });
});

describe("statements", () => {
  it("needs no separators: newlines, spaces and ';' all end a statement", () => {
    const callees = (body: string) => statementsOf(body).map((s) => (s as LayerStmt).callee.name);
    expect(callees("conv(48, 1x1)  relu")).toEqual(["conv", "relu"]);
    expect(callees("conv(48, 1x1);relu;;")).toEqual(["conv", "relu"]);
    expect(callees("relu\nrelu() sigmoid")).toEqual(["relu", "relu", "sigmoid"]);
  });

  it("keeps `relu` and `relu()` apart", () => {
    const [a, b] = statementsOf("relu relu()") as LayerStmt[];
    expect([a!.hasParens, b!.hasParens]).toEqual([false, true]);
    expect(withoutSpans(a!.args)).toEqual(withoutSpans(b!.args));
  });

  it("reads input, from, output and scaling", () => {
    const statements = statementsOf(
      "input x: [28, 28, 1]\nfrom x\noutput a, b\nscaling compound(phi, alpha = 1.2)",
    );
    expect(statements.map((s) => s.kind)).toEqual(["Input", "From", "Output", "Scaling"]);
    const [input, from, output, scaling] = statements;
    expect(input!.kind === "Input" && [input.name.name, show(input.shape)]).toEqual(["x", "[28, 28, 1]"]);
    expect(from!.kind === "From" && from.source.name).toBe("x");
    expect(output!.kind === "Output" && output.names.map((n) => n.name)).toEqual(["a", "b"]);
    expect(scaling!.kind === "Scaling" && [scaling.callee.name, scaling.args.map((a) => a.name?.name ?? show(a.value))]).toEqual([
      "compound",
      ["phi", "alpha"],
    ]);
  });

  it("reads positional and named arguments", () => {
    const [conv] = statementsOf("conv(32 * alpha, 3x3, stride = 2, pad = same)") as LayerStmt[];
    expect(conv!.args.map((a) => [a.name?.name, show(a.value)])).toEqual([
      [undefined, "(32 * alpha)"],
      [undefined, "3x3"],
      ["stride", "2"],
      ["pad", "same"],
    ]);
  });

  it("reads trailers in either order or alone, on layers, repeat, parallel and if", () => {
    const trailer = (s: unknown) => {
      const { label, assertShape } = s as LayerStmt;
      return [label?.name, assertShape && show(assertShape)];
    };
    const statements = statementsOf(
      "conv(6, 5x5) -> c : [1, 2]\nconv(6, 5x5) : [1, 2] -> c\nrelu -> r\nrelu : [3]\nrelu\n" +
        "repeat 2 { relu } -> x\nparallel add { { } { } } : [4]\nif a { } else { } -> y : [5]",
    );
    expect(statements.map(trailer)).toEqual([
      ["c", "[1, 2]"],
      ["c", "[1, 2]"],
      ["r", undefined],
      [undefined, "[3]"],
      [undefined, undefined],
      ["x", undefined],
      [undefined, "[4]"],
      ["y", "[5]"],
    ]);
  });

  it("reads repeat with and without an index", () => {
    const [a, b] = statementsOf("repeat 5 { relu }\nrepeat n + 1 as i { relu relu }");
    expect(a!.kind === "Repeat" && [show(a.count), a.index, a.body.length]).toEqual(["5", undefined, 1]);
    expect(b!.kind === "Repeat" && [show(b.count), b.index?.name, b.body.length]).toEqual(["(n + 1)", "i", 2]);
  });

  it("reads parallel branches, empty ones and merge arguments", () => {
    const [p, q] = statementsOf("parallel concat(axis = -1) { { conv(16, 1x1) relu } { } }\nparallel mul { }");
    expect(p!.kind === "Parallel" && [p.merge.name, p.mergeArgs.map((a) => a.name?.name), p.branches.map((b) => b.body.length)]).toEqual([
      "concat",
      ["axis"],
      [2, 0],
    ]);
    expect(q!.kind === "Parallel" && [q.merge.name, q.mergeArgs, q.branches]).toEqual(["mul", [], []]);
  });

  it("nests `else if` chains with the trailer on the outermost if", () => {
    const [stmt] = statementsOf("if a { relu } else if b { tanh } else if c { } else { sigmoid } -> out");
    const outer = stmt as IfStmt;
    expect(show(outer.condition)).toBe("a");
    expect(outer.label?.name).toBe("out");
    const second = outer.else![0] as IfStmt;
    expect([show(second.condition), second.label, second.then.length]).toEqual(["b", undefined, 1]);
    const third = second.else![0] as IfStmt;
    expect([show(third.condition), third.then.length, third.else!.length]).toEqual(["c", 0, 1]);
    const [plain] = statementsOf("if a { relu }") as IfStmt[];
    expect(plain!.else).toBeUndefined();
  });
});

describe("expressions", () => {
  const cases: [string, string][] = [
    ["1 + 2 * 3", "(1 + (2 * 3))"],
    ["1 * 2 + 3", "((1 * 2) + 3)"],
    ["1 - 2 - 3", "((1 - 2) - 3)"],
    ["8 / 4 / 2", "((8 / 4) / 2)"],
    ["7 % 3 * 2", "((7 % 3) * 2)"],
    ["2 ** 3 ** 2", "(2 ** (3 ** 2))"],
    ["-2 ** 2", "(-(2 ** 2))"],
    ["2 ** -1", "(2 ** (-1))"],
    ["- -x", "(-(-x))"],
    ["+x * 2", "((+x) * 2)"],
    ["a + b < c * d", "((a + b) < (c * d))"],
    ["a == b and c != d", "((a == b) and (c != d))"],
    ["a or b and c", "(a or (b and c))"],
    ["a and b or c", "((a and b) or c)"],
    ["not a and b", "((not a) and b)"],
    ["not a == b", "(not (a == b))"],
    ["not not a", "(not (not a))"],
    ["a <= b or a >= b or a < b or a > b", "((((a <= b) or (a >= b)) or (a < b)) or (a > b))"],
    ["(1 + 2) * 3", "({(1 + 2)} * 3)"],
    ["max(a, b + 1) * floor(c / 4)", "(max(a, (b + 1)) * floor((c / 4)))"],
    ["make_divisible(v, d = 8)", "make_divisible(v, d = 8)"],
    ["[1, [2, 3], []]", "[1, [2, 3], []]"],
    ["a // b", "a"],
    ["a /* b */ + c", "(a + c)"],
  ];
  for (const [source, expected] of cases) {
    it(`${source}  ⇒  ${expected}`, () => expect(show(exprOf(source))).toBe(expected));
  }

  it("reads literals", () => {
    expect(withoutSpans(exprOf("42"))).toEqual({ kind: "Number", value: 42, raw: "42" });
    expect(withoutSpans(exprOf("0.5"))).toEqual({ kind: "Number", value: 0.5, raw: "0.5" });
    expect(withoutSpans(exprOf("1e-3"))).toEqual({ kind: "Number", value: 0.001, raw: "1e-3" });
    expect(withoutSpans(exprOf(".25"))).toEqual({ kind: "Number", value: 0.25, raw: ".25" });
    expect(withoutSpans(exprOf("2.5E+2"))).toEqual({ kind: "Number", value: 250, raw: "2.5E+2" });
    expect(withoutSpans(exprOf("5x5"))).toEqual({ kind: "Kernel", h: 5, w: 5, raw: "5x5" });
    expect(withoutSpans(exprOf("1x7"))).toEqual({ kind: "Kernel", h: 1, w: 7, raw: "1x7" });
    expect(withoutSpans(exprOf("true"))).toEqual({ kind: "Bool", value: true });
    expect(withoutSpans(exprOf("false"))).toEqual({ kind: "Bool", value: false });
    expect(withoutSpans(exprOf('"a\\"b\\\\c\\nd\\te"'))).toEqual({
      kind: "String",
      value: 'a"b\\c\nd\te',
      raw: '"a\\"b\\\\c\\nd\\te"',
    });
    expect(withoutSpans(exprOf("same"))).toEqual({ kind: "Name", name: "same" });
  });
});

describe("spans", () => {
  const text = "model M(a = 1) {\n  conv(6, 5x5, stride = a + 1) -> c1 : [220, 220, 6]   // c\n  relu\n}\n";
  const program = parseOk(text);
  const model = program.items[0] as ModelDecl;
  const slice = (s: { span: { start: number; end: number } }) => text.slice(s.span.start, s.span.end);

  it("cover declarations, statements with their trailers, and expressions", () => {
    expect(slice(model)).toBe(text.trimEnd());
    expect(slice(model.name)).toBe("M");
    expect(slice(model.params[0]!)).toBe("a = 1");
    const conv = model.body[0] as LayerStmt;
    expect(slice(conv)).toBe("conv(6, 5x5, stride = a + 1) -> c1 : [220, 220, 6]");
    expect(slice(conv.callee)).toBe("conv");
    expect(conv.args.map(slice)).toEqual(["6", "5x5", "stride = a + 1"]);
    expect(slice(conv.args[2]!.value)).toBe("a + 1");
    expect(slice(conv.label!)).toBe("c1");
    expect(slice(conv.assertShape!)).toBe("[220, 220, 6]");
    expect(slice(model.body[1]!)).toBe("relu");
    expect(program.span).toEqual({ start: 0, end: text.length });
  });

  it("collects every comment in order with its span", () => {
    const { program } = parse("// a\nmodel M { /* b */ relu // c\n}\n/* d\n*/");
    expect(program.comments.map((c) => [c.text, c.block])).toEqual([
      ["// a", false],
      ["/* b */", true],
      ["// c", false],
      ["/* d\n*/", true],
    ]);
    expect(program.comments[1]!.span).toEqual({ start: 15, end: 22 });
  });

  it("spans an else-if from its `if` to the end of the chain", () => {
    const source = "if a { } else if b { } else { relu }";
    const [outer] = statementsOf(source) as IfStmt[];
    const inner = outer!.else![0]!;
    const full = `model M {\n${source}\n}`;
    expect(full.slice(inner.span.start, inner.span.end)).toBe("if b { } else { relu }");
  });
});

describe("input dtypes (spec section 11)", () => {
  it("reads `int` after the shape, with its span", () => {
    const text = "input ids: [64] int\nembedding(100, 8)";
    const [input, layer] = statementsOf(text);
    expect(input!.kind === "Input" && input.dtype?.name).toBe("int");
    const start = "model M {\n".length + text.indexOf("int");
    expect(input!.kind === "Input" && input.dtype?.span).toEqual({ start, end: start + 3 });
    expect(layer!.kind === "Layer" && layer.callee.name).toBe("embedding");
  });

  it("leaves a plain input without a dtype, and the next statement a layer", () => {
    const [input, layer] = statementsOf("input x: [4] relu");
    expect(input!.kind === "Input" && input.dtype).toBeUndefined();
    expect(layer!.kind === "Layer" && layer.callee.name).toBe("relu");
  });

  it("keeps `int` usable as a name elsewhere", () => {
    const model = parseOk("model M(int = 3) { input x: [int] dense(int) }").items[0] as ModelDecl;
    expect(model.params[0]!.name.name).toBe("int");
    expect(model.body.map((s) => s.kind)).toEqual(["Input", "Layer"]);
  });
});
