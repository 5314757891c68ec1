// Typed reading of an op's bound arguments: integers, kernels, paddings, options, labels.
// Each reader reports a bad value once and returns undefined; defaults come from the op.
import type { Diagnostic, Span } from "../diagnostics/diagnostic.ts";
import { diagnostic } from "../diagnostics/catalogue.ts";
import type { Pad4 } from "../runtime/ops.ts";
import { closest, didYouMeanText } from "./did-you-mean.ts";
import { expectBool, expectNumber, reportNotA } from "./evaluate.ts";
import type { BoundArgs } from "./args.ts";
import type { TensorRef } from "./tensor.ts";
import { describeValue, formatNumber, snapToInteger, type SpannedValue } from "./value.ts";

export type PadSpec = { readonly kind: "same" } | { readonly kind: "explicit"; readonly pad: Pad4 };

export interface ArgContext {
  report(d: Diagnostic): void;
  visibleNames(): Iterable<string>;
  /** Labels visible here, for "did you mean" on an unknown label. */
  labelNames(): Iterable<string>;
}

export class OpArgs {
  constructor(
    readonly callee: string,
    readonly bound: BoundArgs,
    readonly callSpan: Span,
    private readonly ctx: ArgContext,
  ) {}

  has(name: string): boolean {
    return this.bound.values.has(name);
  }

  /** Given as something other than the word `none` (`tie = none`, `context = none`). */
  hasSome(name: string): boolean {
    const value = this.bound.values.get(name)?.value;
    return value !== undefined && !(value.kind === "word" && value.name === "none");
  }

  /** The span of an argument's value, or the call when it was not given. */
  spanOf(name: string): Span {
    return this.bound.values.get(name)?.span ?? this.callSpan;
  }

  /** The span of the whole argument (`bias = true`), when given. */
  argSpanOf(name: string): Span | undefined {
    return this.bound.values.get(name)?.argSpan;
  }

  number(name: string, fallback?: number): number | undefined {
    const v = this.bound.values.get(name);
    return v ? expectNumber(v, this.ctx) : fallback;
  }

  /** An integer (the 1e-9 rule applies); `min` bounds it from below. */
  int(name: string, fallback: number | undefined, min = -Infinity): number | undefined {
    const v = this.bound.values.get(name);
    if (!v) return fallback;
    return this.integerOf(v, name, min);
  }

  /** A positive integer: channels, units, factors, group sizes. */
  count(name: string, fallback?: number): number | undefined {
    return this.int(name, fallback, 1);
  }

  bool(name: string, fallback: boolean): boolean | undefined {
    const v = this.bound.values.get(name);
    return v ? expectBool(v, this.ctx) : fallback;
  }

  /** `5x5`, or a bare integer `3` meaning 3x3. */
  kernel(name: string, fallback?: readonly [number, number]): readonly [number, number] | undefined {
    return this.pair(name, fallback);
  }

  /** A pair of positive integers written `2` or `2x2` (kernel, stride, dilation). */
  pair(name: string, fallback?: readonly [number, number]): readonly [number, number] | undefined {
    const v = this.bound.values.get(name);
    if (!v) return fallback;
    if (v.value.kind === "kernel") {
      const { h, w } = v.value;
      if (h < 1 || w < 1) return this.outOfRange(v, name, "positive");
      return [h, w];
    }
    if (v.value.kind !== "number") {
      if (v.value.kind !== "unknown") reportNotA(`an integer or a kernel like 3x3 for '${name}'`, v, this.ctx);
      return undefined;
    }
    const n = this.integerOf(v, name, 1);
    return n === undefined ? undefined : [n, n];
  }

  /** `valid` (default), `same`, an integer (symmetric) or `[top, bottom, left, right]`. */
  pad(name: string): PadSpec | undefined {
    const v = this.bound.values.get(name);
    if (!v) return { kind: "explicit", pad: [0, 0, 0, 0] };
    const value = v.value;
    if (value.kind === "word" && (value.name === "valid" || value.name === "same")) {
      return value.name === "same" ? { kind: "same" } : { kind: "explicit", pad: [0, 0, 0, 0] };
    }
    const pad = this.pad4(v, name);
    return pad && { kind: "explicit", pad };
  }

  /** An integer amount (all four sides) or `[top, bottom, left, right]`. */
  pad4(v: SpannedValue, name: string): Pad4 | undefined {
    const value = v.value;
    if (value.kind === "number") {
      const n = this.integerOf(v, name, 0);
      return n === undefined ? undefined : [n, n, n, n];
    }
    if (value.kind === "list") {
      if (value.items.length !== 4) {
        this.ctx.report(
          diagnostic(
            "NET2008",
            v.span,
            `'${name}' as a list needs 4 entries [top, bottom, left, right], got ${value.items.length}`,
          ),
        );
        return undefined;
      }
      const sides = value.items.map((item) => this.integerOf(item, name, 0));
      return sides.every((s) => s !== undefined) ? (sides as unknown as Pad4) : undefined;
    }
    if (value.kind === "word") {
      const suggestion = closest(value.name, ["same", "valid", ...this.ctx.visibleNames()]);
      this.ctx.report(
        diagnostic(
          "NET2008",
          v.span,
          `'${name}' must be valid, same, an integer or [top, bottom, left, right], got the unknown word '${value.name}'${didYouMeanText(suggestion)}`,
          {
            fixes: suggestion
              ? [
                  {
                    title: `change to '${suggestion}'`,
                    edits: [{ span: v.span, newText: suggestion }],
                  },
                ]
              : [],
          },
        ),
      );
      return undefined;
    }
    if (value.kind !== "unknown") reportNotA(`valid, same, an integer or [top, bottom, left, right] for '${name}'`, v, this.ctx);
    return undefined;
  }

  /** One of a few option words, written bare or as a string (`"nearest"`). */
  option<T extends string>(name: string, choices: readonly T[], fallback: T): T | undefined {
    const v = this.bound.values.get(name);
    if (!v) return fallback;
    const value = v.value;
    const text = value.kind === "word" ? value.name : value.kind === "string" ? value.value : undefined;
    if (text !== undefined && (choices as readonly string[]).includes(text)) return text as T;
    if (value.kind === "unknown") return undefined;
    const suggestion = text === undefined ? undefined : closest(text, choices);
    const got = text === undefined ? describeValue(value) : `'${text}'`;
    this.ctx.report(
      diagnostic(
        "NET2008",
        v.span,
        `'${name}' of ${this.callee} must be one of ${choices.join(", ")}, got ${got}${didYouMeanText(suggestion)}`,
      ),
    );
    return undefined;
  }

  string(name: string): string | undefined {
    const v = this.bound.values.get(name);
    if (!v) return undefined;
    if (v.value.kind === "string") return v.value.value;
    reportNotA(`a string for '${name}'`, v, this.ctx);
    return undefined;
  }

  /** A list of integers (reshape's target shape; -1 allowed once). */
  intList(name: string): number[] | undefined {
    const v = this.bound.values.get(name);
    if (!v) return undefined;
    if (v.value.kind !== "list") {
      reportNotA(`a list like [7, 7, 64] for '${name}'`, v, this.ctx);
      return undefined;
    }
    const items = v.value.items.map((item) => this.integerOf(item, name, -1));
    return items.every((i) => i !== undefined) ? (items as number[]) : undefined;
  }

  /** A labelled tensor; `null` when its shape is unknown after an earlier error. */
  tensor(name: string): TensorRef | null | undefined {
    const v = this.bound.values.get(name);
    return v ? this.tensorOf(v) : undefined;
  }

  /** Every remaining positional argument as labelled tensors (add, mul, concat). */
  restTensors(): (TensorRef | null | undefined)[] {
    return this.bound.rest.map((v) => this.tensorOf(v));
  }

  tensorOf(v: SpannedValue): TensorRef | null | undefined {
    const value = v.value;
    if (value.kind === "tensor") return value.ref;
    if (value.kind === "unknown") return null;
    if (value.kind === "word") {
      const suggestion = closest(value.name, this.ctx.labelNames());
      this.ctx.report(
        diagnostic("NET2002", v.span, `unknown label '${value.name}'${didYouMeanText(suggestion)}`, {
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
      return undefined;
    }
    this.ctx.report(diagnostic("NET2008", v.span, `expected a label of a tensor, got ${describeValue(value)}`));
    return undefined;
  }

  /** Reports a value out of its range at the argument (or the call when defaulted). */
  outOfRangeAt(name: string, message: string): void {
    this.ctx.report(diagnostic("NET3003", this.spanOf(name), message));
  }

  private integerOf(v: SpannedValue, name: string, min: number): number | undefined {
    const raw = expectNumber(v, this.ctx);
    if (raw === undefined) return undefined;
    const n = snapToInteger(raw);
    if (!Number.isInteger(n)) {
      this.ctx.report(
        diagnostic(
          "NET3002",
          v.span,
          `'${name}' of ${this.callee} must be an integer, got ${formatNumber(raw)}; wrap it in floor(), round() or make_divisible()`,
        ),
      );
      return undefined;
    }
    if (n < min) return this.outOfRange(v, name, min === 1 ? "positive" : min === 0 ? "non-negative" : `at least ${min}`, n);
    return n;
  }

  private outOfRange(v: SpannedValue, name: string, what: string, n?: number): undefined {
    const got = n === undefined ? describeValue(v.value) : formatNumber(n);
    this.ctx.report(diagnostic("NET3003", v.span, `'${name}' of ${this.callee} must be ${what}, got ${got}`));
    return undefined;
  }
}
