// Expression evaluation (spec section 3): arithmetic, comparisons, logic and the built-in
// functions. Errors are reported once and evaluate to `unknown`, which every consumer accepts.
import type { Arg, Expr } from "../syntax/ast.ts";
import type { Diagnostic, Span } from "../diagnostics/diagnostic.ts";
import { diagnostic } from "../diagnostics/catalogue.ts";
import { closest, didYouMeanText } from "./did-you-mean.ts";
import { makeDivisible, scaleDepth, scaleResolution, scaleWidth, type Scaling } from "./scaling.ts";
import { bindArgs, type ParamSig } from "./args.ts";
import {
  describeValue,
  formatNumber,
  num,
  snapToInteger,
  unknownValue,
  type SpannedArg,
  type SpannedValue,
  type Value,
} from "./value.ts";

export interface EvalEnv {
  /** A parameter, loop variable or label visible here, by name. */
  lookup(name: string, span: Span): Value | undefined;
  /** Names offered by "did you mean" for an unknown name. */
  visibleNames(): Iterable<string>;
  readonly scaling: Scaling;
  report(d: Diagnostic): void;
}

type Builtin = {
  readonly sig: readonly ParamSig[];
  readonly apply: (args: number[], s: Scaling) => number;
};

const one = (name: string): ParamSig[] => [{ name, required: true }];

export const builtins: Readonly<Record<string, Builtin>> = {
  min: { sig: [{ name: "values", rest: true }], apply: (a) => Math.min(...a) },
  max: { sig: [{ name: "values", rest: true }], apply: (a) => Math.max(...a) },
  floor: { sig: one("x"), apply: ([x]) => Math.floor(snapToInteger(x!)) },
  ceil: { sig: one("x"), apply: ([x]) => Math.ceil(snapToInteger(x!)) },
  // Halves round up, as JavaScript's Math.round.
  round: { sig: one("x"), apply: ([x]) => Math.round(x!) },
  abs: { sig: one("x"), apply: ([x]) => Math.abs(x!) },
  make_divisible: {
    sig: [{ name: "v", required: true }, { name: "d" }],
    apply: ([v, d]) => makeDivisible(v!, d ?? 8),
  },
  width: { sig: one("c"), apply: ([c], s) => scaleWidth(c!, s) },
  depth: { sig: one("n"), apply: ([n], s) => scaleDepth(n!, s) },
  resolution: { sig: one("r"), apply: ([r], s) => scaleResolution(r!, s) },
};

export function evaluate(expr: Expr, env: EvalEnv): Value {
  switch (expr.kind) {
    case "Number":
      return num(expr.value);
    case "Kernel":
      return { kind: "kernel", h: expr.h, w: expr.w };
    case "String":
      return { kind: "string", value: expr.value };
    case "Bool":
      return { kind: "bool", value: expr.value };
    case "List":
      return {
        kind: "list",
        items: expr.elements.map((e) => ({
          value: evaluate(e, env),
          span: e.span,
        })),
      };
    case "Name":
      return env.lookup(expr.name, expr.span) ?? { kind: "word", name: expr.name };
    case "Paren":
      return evaluate(expr.inner, env);
    case "Error":
      return unknownValue;
    case "Unary":
      return evaluateUnary(expr.op, { value: evaluate(expr.operand, env), span: expr.operand.span }, env);
    case "Binary":
      return evaluateBinary(
        expr.op,
        { value: evaluate(expr.left, env), span: expr.left.span },
        { value: evaluate(expr.right, env), span: expr.right.span },
        expr.span,
        env,
      );
    case "Call": {
      const args = evaluateArgs(expr.args, env);
      const builtin = builtins[expr.callee.name];
      if (!builtin)
        return {
          kind: "call",
          name: expr.callee.name,
          calleeSpan: expr.callee.span,
          args,
        };
      return callBuiltin(expr.callee.name, expr.callee.span, builtin, args, env);
    }
  }
}

export function evaluateArgs(args: readonly Arg[], env: EvalEnv): SpannedArg[] {
  return args.map((a) => ({
    value: evaluate(a.value, env),
    span: a.value.span,
    argSpan: a.span,
    ...(a.name ? { name: a.name.name, nameSpan: a.name.span } : {}),
  }));
}

function callBuiltin(name: string, span: Span, builtin: Builtin, args: readonly SpannedArg[], env: EvalEnv): Value {
  const bound = bindArgs(name, span, args, builtin.sig, (d) => env.report(d));
  if (!bound.complete) return unknownValue;
  const given = builtin.sig.some((p) => p.rest) ? bound.rest : builtin.sig.flatMap((p) => bound.values.get(p.name) ?? []);
  if (given.length === 0) {
    env.report(diagnostic("NET2005", span, `${name} needs at least one argument`));
    return unknownValue;
  }
  const numbers: number[] = [];
  for (const a of given) {
    const n = expectNumber(a, env);
    if (n === undefined) return unknownValue;
    numbers.push(n);
  }
  return num(builtin.apply(numbers, env.scaling));
}

/** The number in a value; reports a wrong type (or an unknown name) and gives undefined. */
export function expectNumber(v: SpannedValue, env: Pick<EvalEnv, "report" | "visibleNames">): number | undefined {
  const value = v.value;
  if (value.kind === "number") return value.value;
  if (value.kind === "unknown") return undefined;
  reportNotA("a number", v, env);
  return undefined;
}

export function expectBool(v: SpannedValue, env: Pick<EvalEnv, "report" | "visibleNames">): boolean | undefined {
  const value = v.value;
  if (value.kind === "bool") return value.value;
  if (value.kind === "unknown") return undefined;
  reportNotA("a boolean", v, env);
  return undefined;
}

/** Reports a value of the wrong kind; a bare word is most likely a misspelt name. */
export function reportNotA(expected: string, v: SpannedValue, env: Pick<EvalEnv, "report" | "visibleNames">): void {
  const value = v.value;
  if (value.kind === "word") {
    const suggestion = closest(value.name, env.visibleNames());
    env.report(
      diagnostic("NET2003", v.span, `unknown name '${value.name}'${didYouMeanText(suggestion)}`, {
        fixes: suggestion
          ? [
              {
                title: `change to '${suggestion}'`,
                edits: [{ span: v.span, newText: suggestion }],
              },
            ]
          : [],
      }),
    );
    return;
  }
  if (value.kind === "call") {
    const suggestion = closest(value.name, Object.keys(builtins));
    env.report(
      diagnostic("NET2015", value.calleeSpan, `unknown function '${value.name}'${didYouMeanText(suggestion)}`, {
        fixes: suggestion
          ? [
              {
                title: `change to '${suggestion}'`,
                edits: [{ span: value.calleeSpan, newText: suggestion }],
              },
            ]
          : [],
      }),
    );
    return;
  }
  env.report(diagnostic("NET2008", v.span, `expected ${expected}, got ${describeValue(value)}`));
}

function evaluateUnary(op: "-" | "+" | "not", operand: SpannedValue, env: EvalEnv): Value {
  if (op === "not") {
    const b = expectBool(operand, env);
    return b === undefined ? unknownValue : { kind: "bool", value: !b };
  }
  const n = expectNumber(operand, env);
  if (n === undefined) return unknownValue;
  return num(op === "-" ? -n : n);
}

function evaluateBinary(op: string, left: SpannedValue, right: SpannedValue, span: Span, env: EvalEnv): Value {
  if (op === "and" || op === "or") {
    const a = expectBool(left, env);
    const b = expectBool(right, env);
    if (a === undefined || b === undefined) return unknownValue;
    return { kind: "bool", value: op === "and" ? a && b : a || b };
  }
  if (op === "==" || op === "!=") {
    if (left.value.kind === "unknown" || right.value.kind === "unknown") return unknownValue;
    const equal = sameValue(left.value, right.value);
    return { kind: "bool", value: op === "==" ? equal : !equal };
  }
  const a = expectNumber(left, env);
  const b = expectNumber(right, env);
  if (a === undefined || b === undefined) return unknownValue;
  let result: number | boolean;
  switch (op) {
    case "+":
      result = a + b;
      break;
    case "-":
      result = a - b;
      break;
    case "*":
      result = a * b;
      break;
    case "/":
      result = a / b;
      break;
    case "%":
      result = a % b;
      break;
    case "**":
      result = a ** b;
      break;
    case "<":
      result = a < b;
      break;
    case "<=":
      result = a <= b;
      break;
    case ">":
      result = a > b;
      break;
    default:
      result = a >= b;
      break;
  }
  if (typeof result === "boolean") return { kind: "bool", value: result };
  if (!Number.isFinite(result)) {
    const why = (op === "/" || op === "%") && b === 0 ? "division by zero" : "the result is not a finite number";
    env.report(diagnostic("NET2016", span, `invalid arithmetic: ${formatNumber(a)} ${op} ${formatNumber(b)} (${why})`));
    return unknownValue;
  }
  return num(result);
}

function sameValue(a: Value, b: Value): boolean {
  if (a.kind === "number" && b.kind === "number") return Math.abs(a.value - b.value) <= 1e-9;
  if (a.kind === "kernel" && b.kind === "kernel") return a.h === b.h && a.w === b.w;
  if (a.kind === "word" && b.kind === "word") return a.name === b.name;
  if ((a.kind === "string" || a.kind === "bool") && a.kind === b.kind) return a.value === b.value;
  return false;
}
