// Expression evaluation on hand-built AST nodes: operators, built-ins, integer rules, scaling.
import { describe, expect, it } from "vitest";
import type { Expr } from "../../src/syntax/ast.ts";
import type { Diagnostic } from "../../src/diagnostics/diagnostic.ts";
import { evaluate, type EvalEnv } from "../../src/check/evaluate.ts";
import {
  compoundScaling,
  makeDivisible,
  noScaling,
  scaleDepth,
  scaleResolution,
  scaleWidth,
  type Scaling,
} from "../../src/check/scaling.ts";
import type { Value } from "../../src/check/value.ts";

const at = { start: 0, end: 0 };
const n = (value: number): Expr => ({ kind: "Number", value, raw: String(value), span: at });
const name = (id: string): Expr => ({ kind: "Name", name: id, span: at });
const bin = (op: Extract<Expr, { kind: "Binary" }>["op"], left: Expr, right: Expr): Expr => ({
  kind: "Binary",
  op,
  left,
  right,
  span: at,
});
const call = (callee: string, ...args: Expr[]): Expr => ({
  kind: "Call",
  callee: { kind: "Ident", name: callee, span: at },
  args: args.map((value) => ({ kind: "Arg", value, span: at })),
  span: at,
});

function run(expr: Expr, vars: Record<string, Value> = {}, scaling: Scaling = noScaling) {
  const diagnostics: Diagnostic[] = [];
  const env: EvalEnv = {
    lookup: (id) => vars[id],
    visibleNames: () => Object.keys(vars),
    scaling,
    report: (d) => diagnostics.push(d),
  };
  return { value: evaluate(expr, env), diagnostics };
}

const numberOf = (expr: Expr, vars?: Record<string, Value>, scaling?: Scaling) => {
  const { value } = run(expr, vars, scaling);
  return value.kind === "number" ? value.value : value;
};

describe("operators", () => {
  it("computes arithmetic, comparisons and logic", () => {
    expect(numberOf(bin("+", n(2), bin("*", n(3), n(4))))).toBe(14);
    expect(numberOf(bin("-", n(2), n(5)))).toBe(-3);
    expect(numberOf(bin("/", n(7), n(2)))).toBe(3.5);
    expect(numberOf(bin("%", n(7), n(4)))).toBe(3);
    expect(numberOf(bin("**", n(2), n(10)))).toBe(1024);
    expect(run(bin("<=", n(2), n(2))).value).toEqual({ kind: "bool", value: true });
    expect(run(bin("!=", name("stride"), n(1)), { stride: { kind: "number", value: 2 } }).value).toEqual({
      kind: "bool",
      value: true,
    });
    const and = bin("and", bin("==", n(1), n(1)), {
      kind: "Unary",
      op: "not",
      operand: { kind: "Bool", value: false, span: at },
      span: at,
    });
    expect(run(and).value).toEqual({ kind: "bool", value: true });
  });

  it("treats numbers within 1e-9 as equal (30 * 0.1 == 3)", () => {
    expect(run(bin("==", bin("*", n(30), n(0.1)), n(3))).value).toEqual({ kind: "bool", value: true });
  });

  it("reports division by zero once and yields unknown", () => {
    const { value, diagnostics } = run(bin("*", bin("/", n(1), n(0)), n(2)));
    expect(value.kind).toBe("unknown");
    expect(diagnostics.map((d) => d.code)).toEqual(["NET2016"]);
  });

  it("reports an unknown name with did-you-mean and does not cascade", () => {
    const { value, diagnostics } = run(bin("+", bin("*", name("alpah"), n(2)), n(1)), { alpha: { kind: "number", value: 1 } });
    expect(value.kind).toBe("unknown");
    expect(diagnostics.map((d) => d.message)).toEqual(["unknown name 'alpah'; did you mean 'alpha'?"]);
    expect(diagnostics[0]!.fixes?.[0]?.edits[0]?.newText).toBe("alpha");
  });
});

describe("built-in functions", () => {
  it("min max floor ceil abs", () => {
    expect(numberOf(call("min", n(3), n(1), n(2)))).toBe(1);
    expect(numberOf(call("max", n(3), n(1), n(2)))).toBe(3);
    expect(numberOf(call("floor", bin("/", n(10), n(4))))).toBe(2);
    expect(numberOf(call("ceil", bin("/", n(10), n(4))))).toBe(3);
    expect(numberOf(call("abs", n(-4)))).toBe(4);
  });

  it("floor and ceil apply the 1e-9 rule first", () => {
    // 0.1 * 3 * 10 = 3.0000000000000004 and 0.7 * 10 = 7.000000000000001 in binary floating point
    expect(numberOf(call("ceil", bin("*", bin("*", n(0.1), n(3)), n(10))))).toBe(3);
    expect(numberOf(call("floor", bin("-", n(3), n(1e-12))))).toBe(3);
  });

  it("round rounds halves up, as Math.round", () => {
    expect(numberOf(call("round", n(2.5)))).toBe(3);
    expect(numberOf(call("round", n(-2.5)))).toBe(-2);
    expect(numberOf(call("round", n(257.6)))).toBe(258);
  });

  it("make_divisible matches MobileNet/EfficientNet's _make_divisible", () => {
    expect(numberOf(call("make_divisible", n(24)))).toBe(24);
    expect(numberOf(call("make_divisible", n(10)))).toBe(16); // 8 < 0.9·10, so + 8
    expect(numberOf(call("make_divisible", n(35.2)))).toBe(32); // 32 ≥ 0.9·35.2
    expect(numberOf(call("make_divisible", n(3), n(8)))).toBe(8); // never below d
    expect(makeDivisible(1280 * 1.1)).toBe(1408);
    expect(makeDivisible(36, 16)).toBe(48); // floor(44/16)·16 = 32 < 32.4, so + 16
  });

  it("width, depth and resolution follow the compound scaling", () => {
    const s = compoundScaling(1, 1.2, 1.1, 1.15);
    expect(numberOf(call("width", n(32)), {}, s)).toBe(32); // 35.2 → 32
    expect(numberOf(call("width", n(40)), {}, s)).toBe(48); // 44 → 48 (round half up to a multiple of 8)
    expect(numberOf(call("depth", n(2)), {}, s)).toBe(3);
    expect(numberOf(call("depth", n(1)), {}, s)).toBe(2);
    expect(numberOf(call("resolution", n(224)), {}, s)).toBe(258);
    expect([scaleWidth(32, noScaling), scaleDepth(3, noScaling), scaleResolution(224, noScaling)]).toEqual([32, 3, 224]);
  });

  it("reports an unknown function with did-you-mean", () => {
    const { value, diagnostics } = run(bin("+", call("flor", n(2.5)), n(1)));
    expect(value.kind).toBe("unknown");
    expect(diagnostics.map((d) => `${d.code} ${d.message}`)).toEqual(["NET2015 unknown function 'flor'; did you mean 'floor'?"]);
  });

  it("keeps an unknown call as an option value (adam(lr = 0.001))", () => {
    const { value, diagnostics } = run(call("adam", n(0.001)));
    expect(value.kind).toBe("call");
    expect(diagnostics).toEqual([]);
  });
});
