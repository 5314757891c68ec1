// parse() must never throw and must always return well-formed ranges, whatever the input.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { parse } from "../../src/syntax/parse.ts";
import { nodes, validPrograms } from "./helpers.ts";

const programs = [...validPrograms().values()];

const pieces = [
  "(", ")", "{", "}", "[", "]", ",", ":", ";", "->", "=", "==", "-", "+", "**", "*", "/", "%", "<", "!",
  "model", "block", "train", "predict", "input", "repeat", "parallel", "from", "output", "scaling", "as",
  "if", "else", "and", "or", "not", "true", "relu", "conv(", "x", "5x5", "3", ".25", "1e-", '"', '"s"',
  "\\", "//", "/*", "*/", "@", "#", "\n", " ", "\t", "é", "\u{1F600}",
];

type Edit = { kind: "delete" | "insert" | "truncate" | "duplicate"; at: number; length: number; piece: string };

const edit: fc.Arbitrary<Edit> = fc.record({
  kind: fc.constantFrom("delete", "insert", "truncate", "duplicate"),
  at: fc.double({ min: 0, max: 1, noNaN: true }),
  length: fc.integer({ min: 1, max: 40 }),
  piece: fc.constantFrom(...pieces),
});

function applyEdit(text: string, e: Edit): string {
  const at = Math.floor(e.at * text.length);
  switch (e.kind) {
    case "delete":
      return text.slice(0, at) + text.slice(at + e.length);
    case "insert":
      return text.slice(0, at) + e.piece + text.slice(at);
    case "truncate":
      return text.slice(0, at);
    case "duplicate":
      return text.slice(0, at) + text.slice(at, at + e.length) + text.slice(at);
  }
}

function expectWellFormed(text: string): void {
  const { program, diagnostics } = parse(text);
  const inRange = (s: { start: number; end: number }) =>
    Number.isInteger(s.start) && Number.isInteger(s.end) && s.start >= 0 && s.start <= s.end && s.end <= text.length;
  for (const d of diagnostics) {
    expect(inRange(d.span), `${d.message} at ${JSON.stringify(d.span)}`).toBe(true);
    expect(d.message).not.toMatch(/-->|<--|\[object|undefined|NaN/);
  }
  for (const node of nodes(program)) expect(inRange(node.span), `${node.kind} ${JSON.stringify(node.span)}`).toBe(true);
  expect(program.span).toEqual({ start: 0, end: text.length });
  // one message per position
  const starts = diagnostics.filter((d) => d.code >= "NET1010").map((d) => d.span.start);
  expect(new Set(starts).size).toBe(starts.length);
}

describe("parse never throws", () => {
  it("on random edits of valid programs", () => {
    fc.assert(
      fc.property(fc.constantFrom(...programs), fc.array(edit, { minLength: 1, maxLength: 6 }), (program, edits) => {
        expectWellFormed(edits.reduce(applyEdit, program));
      }),
      { numRuns: 1500 },
    );
  });

  it("on every truncation of every valid program", () => {
    for (const program of programs) {
      for (let end = 0; end <= program.length; end++) expectWellFormed(program.slice(0, end));
    }
  });

  it("on random strings of language pieces", () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...pieces), { maxLength: 60 }), (parts) => expectWellFormed(parts.join(" "))),
      { numRuns: 1500 },
    );
  });

  it("on arbitrary unicode text", () => {
    fc.assert(fc.property(fc.string({ unit: "grapheme", maxLength: 200 }), expectWellFormed), { numRuns: 500 });
  });
});
