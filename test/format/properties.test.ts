// Formatting keeps the program (its AST without spans, every comment in order) and is
// idempotent — on every example program and on random re-layouts of them with comments
// sprinkled between any two tokens.
import { readFileSync, readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { formatSource } from "../../src/format/index.ts";
import { parse } from "../../src/syntax/parse.ts";
import { lex } from "../../src/syntax/lex.ts";
import { validPrograms, withoutSpans } from "../syntax/helpers.ts";

const netFiles = (dir: URL) => readdirSync(dir).filter((f) => f.endsWith(".net")).map((f) => readFileSync(new URL(f, dir), "utf8"));
const programs = [
  ...validPrograms().values(),
  ...netFiles(new URL("../fixtures/format/", import.meta.url)),
  ...netFiles(new URL("../../examples/", import.meta.url)),
];

async function expectFormatKeepsProgram(text: string): Promise<void> {
  const before = parse(text);
  expect(before.diagnostics).toEqual([]);
  const formatted = await formatSource(text);
  const after = parse(formatted);
  expect(after.diagnostics).toEqual([]);
  expect(withoutSpans(after.program)).toEqual(withoutSpans(before.program));
  expect(after.program.comments.map((c) => c.text)).toEqual(before.program.comments.map((c) => c.text));
  expect(await formatSource(formatted)).toBe(formatted);
}

describe("formatting every example program", () => {
  for (const [i, text] of programs.entries()) {
    it(`keeps program #${i} and is idempotent`, () => expectFormatKeepsProgram(text));
  }
});

/** The program re-laid out: each gap between tokens gets a random whitespace run and maybe
 * a comment. */
function relayout(text: string, gaps: { space: string; comment: number }[]): string {
  const tokens = lex(text).tokens;
  let out = "";
  for (const [i, token] of tokens.entries()) {
    const gap = gaps[i % gaps.length]!;
    out += token.image;
    if (gap.comment === 1) out += ` /* c${i} */`;
    if (gap.comment === 2) out += ` // c${i}\n`;
    out += gap.space;
  }
  return out;
}

describe("formatting random re-layouts with comments anywhere", () => {
  it("keeps the program and every comment, and is idempotent", async () => {
    const gap = fc.record({
      space: fc.constantFrom(" ", " ", "\n", "\n\n", "  \t", " \n  "),
      comment: fc.constantFrom(0, 0, 0, 0, 1, 2),
    });
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...programs), fc.array(gap, { minLength: 1, maxLength: 40 }), async (text, gaps) => {
        await expectFormatKeepsProgram(relayout(text, gaps));
      }),
      { numRuns: 150 },
    );
  });
});
