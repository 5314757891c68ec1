// The values expressions evaluate to. `unknown` stands for a value whose error was already
// reported: every consumer accepts it silently, so one mistake gives one message.
import type { Span } from "../diagnostics/diagnostic.ts";
import type { TensorRef } from "./tensor.ts";

export type Value =
  | { readonly kind: "number"; readonly value: number }
  | { readonly kind: "string"; readonly value: string }
  | { readonly kind: "bool"; readonly value: boolean }
  | { readonly kind: "kernel"; readonly h: number; readonly w: number }
  | { readonly kind: "list"; readonly items: readonly SpannedValue[] }
  /** A bare word that names no parameter or label: an option word (`same`) or a mistake. */
  | { readonly kind: "word"; readonly name: string }
  /** An option word with arguments: `adam(lr = 0.001)`, `overlap(tile = 572)`. */
  | {
      readonly kind: "call";
      readonly name: string;
      readonly calleeSpan: Span;
      readonly args: readonly SpannedArg[];
    }
  /** A labelled tensor (or an input) referred to by name. */
  | { readonly kind: "tensor"; readonly label: string; readonly ref: TensorRef }
  | { readonly kind: "unknown" };

export interface SpannedValue {
  readonly value: Value;
  readonly span: Span;
}

export interface SpannedArg extends SpannedValue {
  readonly name?: string;
  readonly nameSpan?: Span;
  /** The whole argument, `stride = 2`. */
  readonly argSpan: Span;
}

export const unknownValue: Value = { kind: "unknown" };

export function num(value: number): Value {
  return { kind: "number", value };
}

/** How a value is named in messages: `a number`, `the label c1`, ... */
export function describeValue(v: Value): string {
  switch (v.kind) {
    case "number":
      return `the number ${formatNumber(v.value)}`;
    case "string":
      return `the string "${v.value}"`;
    case "bool":
      return `the boolean ${v.value}`;
    case "kernel":
      return `the kernel ${v.h}x${v.w}`;
    case "list":
      return "a list";
    case "word":
      return `the word '${v.name}'`;
    case "call":
      return `'${v.name}(...)'`;
    case "tensor":
      return `the tensor '${v.label}'`;
    case "unknown":
      return "an invalid value";
  }
}

export function formatNumber(n: number): string {
  return Number.isInteger(n) ? String(n) : String(Number(n.toPrecision(12)));
}

/** The 1e-9 rule: a result within 1e-9 of an integer is that integer. */
export function snapToInteger(n: number): number {
  const r = Math.round(n);
  return Math.abs(n - r) <= 1e-9 ? r : n;
}
