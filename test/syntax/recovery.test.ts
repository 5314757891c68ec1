import { describe, expect, it } from "vitest";
import { parse } from "../../src/syntax/parse.ts";
import type { LayerStmt, ModelDecl, TrainDecl } from "../../src/syntax/ast.ts";
import { show } from "./helpers.ts";

/** [code, highlighted text, message] of each diagnostic. */
function reported(text: string): [string, string, string][] {
  return parse(text).diagnostics.map((d) => [d.code, text.slice(d.span.start, d.span.end), d.message]);
}

describe("several syntax errors in one file", () => {
  const text = [
    "model A {",
    "  input x: [28, 28, 1]",
    "  conv(6, 5x5",
    "  relu",
    "  dense(10 * )",
    "  softmax",
    "}",
    "",
    "train A {",
    "  loss cross_entropy",
    "  epochs: 3",
    "}",
  ].join("\n");
  const { program, diagnostics } = parse(text);

  it("reports each one, once, at its own range", () => {
    const afterKernel = text.indexOf("5x5") + 3;
    const closeParen = text.indexOf("* )") + 2;
    const lossValue = text.indexOf("cross_entropy");
    expect(diagnostics).toEqual([
      {
        code: "NET1010",
        severity: "error",
        message: "expected ')' to close the argument list of conv, found name 'relu'",
        span: { start: afterKernel, end: afterKernel },
      },
      {
        code: "NET1011",
        severity: "error",
        message: "expected an expression, found ')'",
        span: { start: closeParen, end: closeParen + 1 },
      },
      {
        code: "NET1010",
        severity: "error",
        message: "expected ':' after 'loss' (entries are written key: value), found name 'cross_entropy'",
        span: { start: lossValue, end: lossValue + "cross_entropy".length },
      },
    ]);
  });

  it("still yields the AST of everything else", () => {
    const [model, train] = program.items as [ModelDecl, TrainDecl];
    expect(model.body.map((s) => (s.kind === "Layer" ? s.callee.name : s.kind))).toEqual([
      "Input", "conv", "relu", "dense", "softmax",
    ]);
    const conv = model.body[1] as LayerStmt;
    expect(conv.args.map((a) => show(a.value))).toEqual(["6", "5x5"]);
    const dense = model.body[3] as LayerStmt;
    expect(show(dense.args[0]!.value)).toBe("(10 * <error>)");
    expect(train.entries.map((e) => e.key.name)).toContain("epochs");
  });
});

describe("one mistake, one clear message", () => {
  const cases: [string, string, string, string][] = [
    ["model M { conv(6, 5x5 }", "NET1010", "}", "expected ',' or ')' in the argument list of conv, found '}'"],
    ["model M { conv(6 3) relu }", "NET1010", "3", "expected ',' or ')' in the argument list of conv, found number '3'"],
    ["model M { relu", "NET1010", "", "expected '}' to close the body of model M, found the end of the file"],
    ["model M { input x: [1, 2 }", "NET1010", "}", "expected ',' or ']' in the list, found '}'"],
    ["model M { x = 3 }", "NET1010", "=", "expected a statement or '}' in the body of model M, found '='"],
    ["model M { 42 }", "NET1010", "42", "expected a statement or '}' in the body of model M, found number '42'"],
    ["model M { conv(6, 5x5) -> }", "NET1010", "}", "expected a name after '->', found '}'"],
    ["model M { relu } trian M { }", "NET1012", "trian", "expected 'model', 'block', 'train' or 'predict', found name 'trian'"],
    ["model M { relu } }", "NET1012", "}", "expected 'model', 'block', 'train' or 'predict', found '}'"],
    ["model { relu }", "NET1010", "{", "expected a name after 'model', found '{'"],
    ["model input { relu }", "NET1014", "input", "'input' is a keyword and cannot be used as a name"],
    ["block b(x y) { }", "NET1010", "y", "expected ',' or ')' in the parameter list of b, found name 'y'"],
    ["model M(a = ) { }", "NET1011", ")", "expected an expression, found ')'"],
    ["model M { if x > { relu } }", "NET1011", "{", "expected an expression, found '{'"],
    ["model M { repeat { relu } }", "NET1011", "{", "expected an expression, found '{'"],
    ["model M { conv(6,, 3) }", "NET1011", ",", "expected an expression, found ','"],
    ["model M { output }", "NET1011", "}", "expected a name after 'output', found '}'"],
    ["model M { input x: 28 }", "NET1015", "28", "expected a shape list such as [28, 28, 1]"],
    ["model M { relu : 3 }", "NET1015", "3", "expected a shape list such as [28, 28, 1]"],
    ["model M { relu -> a -> b }", "NET1013", "-> b", "a statement can have only one label; remove this one"],
    ["train M { loss: }", "NET1011", "}", "expected an expression, found '}'"],
    ["train M { loss cross_entropy }", "NET1010", "cross_entropy", "expected ':' after 'loss' (entries are written key: value), found name 'cross_entropy'"],
    ["train M { loss: adam(lr = 1 }", "NET1010", "}", "expected ',' or ')' in the argument list of adam, found '}'"],
    ["model M { parallel add { { relu } { }\n}", "NET1010", "", "expected '}' to close the body of model M, found the end of the file"],
    ["model M { relu # }", "NET1001", "#", "unexpected character '#'"],
    ["model M { relu @@ }", "NET1001", "@@", "unexpected characters '@@'"],
    ["model M { conv(6, @) }", "NET1001", "@", "unexpected character '@'"],
    ['model M { upsample(mode = "nearest) }', "NET1002", '"nearest) }', "unterminated string: add the closing '\"' on the same line"],
    ["model M { relu /* }", "NET1003", "/*", "unterminated block comment: '/*' has no closing '*/'"],
    ['model M { upsample(mode = "\\q") }', "NET1004", "\\q", "invalid escape '\\q' (use \\n, \\t, \\r, \\\\ or \\\")"],
  ];
  for (const [text, code, highlighted, message] of cases) {
    it(`${JSON.stringify(text)}: ${message}`, () => {
      expect(reported(text)).toEqual([[code, highlighted, message]]);
    });
  }

  it("puts a missing token at the end of the line where it belongs", () => {
    const text = "model M {\n  input x\n  relu\n}";
    const [d] = parse(text).diagnostics;
    expect(d!.span.start).toBe(text.indexOf("input x") + "input x".length);
    expect(d!.message).toBe("expected ':' and a shape after the input name (input x: [28, 28, 1]), found name 'relu'");
  });

  it("keeps parsing declarations after stray text at the top level", () => {
    const { program, diagnostics } = parse("} junk model A { relu } ) ) model B { tanh }");
    expect(diagnostics.map((d) => d.code)).toEqual(["NET1012", "NET1012"]);
    expect(program.items.map((i) => i.kind === "Model" && i.name.name)).toEqual(["A", "B"]);
  });
});
