// Test helpers shared by test/syntax and test/format.
import { readFileSync, readdirSync } from "node:fs";
import { expect } from "vitest";
import { parse } from "../../src/syntax/parse.ts";
import type { Expr, Program, Statement } from "../../src/syntax/ast.ts";

export const fixturesDir = new URL("../fixtures/syntax/", import.meta.url);

/** Every valid program fixture: name → text. */
export function validPrograms(): Map<string, string> {
  const programs = new Map<string, string>();
  for (const file of readdirSync(fixturesDir).filter((f) => f.endsWith(".net")).sort()) {
    programs.set(file, readFileSync(new URL(file, fixturesDir), "utf8"));
  }
  return programs;
}

/** Parses text that must be free of syntax errors. */
export function parseOk(text: string): Program {
  const { program, diagnostics } = parse(text);
  expect(diagnostics).toEqual([]);
  return program;
}

/** The statements of the first model/block of a snippet wrapped as `model M { ... }`. */
export function statementsOf(body: string): readonly Statement[] {
  const item = parseOk(`model M {\n${body}\n}`).items[0]!;
  if (item.kind !== "Model") throw new Error("expected a model");
  return item.body;
}

/** The expression `e` of `model M { f(e) }`. */
export function exprOf(source: string): Expr {
  const statement = statementsOf(`f(${source}\n)`)[0]!;
  if (statement.kind !== "Layer") throw new Error("expected a layer");
  return statement.args[0]!.value;
}

/** A deep copy without `span` fields, to compare trees that differ only in layout. */
export function withoutSpans(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutSpans);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value)
        // A comment's `lines` are positions too.
        .filter(([key]) => key !== "span" && key !== "lines")
        .map(([key, v]) => [key, withoutSpans(v)]),
    );
  }
  return value;
}

/** Every AST node (objects with a `kind`), depth first. */
export function* nodes(value: unknown): Generator<{ kind: string; span: { start: number; end: number } }> {
  if (Array.isArray(value)) {
    for (const v of value) yield* nodes(v);
  } else if (value !== null && typeof value === "object") {
    if ("kind" in value && "span" in value) yield value as { kind: string; span: { start: number; end: number } };
    for (const [key, v] of Object.entries(value)) if (key !== "span") yield* nodes(v);
  }
}

/** Fully parenthesised rendering of an expression, to test precedence and associativity. */
export function show(e: Expr): string {
  switch (e.kind) {
    case "Number":
    case "Kernel":
    case "String":
      return e.raw;
    case "Bool":
      return String(e.value);
    case "Name":
      return e.name;
    case "List":
      return `[${e.elements.map(show).join(", ")}]`;
    case "Unary":
      return `(${e.op === "not" ? "not " : e.op}${show(e.operand)})`;
    case "Binary":
      return `(${show(e.left)} ${e.op} ${show(e.right)})`;
    case "Call":
      return `${e.callee.name}(${e.args.map((a) => (a.name ? `${a.name.name} = ` : "") + show(a.value)).join(", ")})`;
    case "Paren":
      return `{${show(e.inner)}}`;
    case "Error":
      return "<error>";
  }
}
