// Every fixture under test/fixtures/check/ carries its expected diagnostics inline; the
// checker must produce exactly those (code, severity, range, message) and nothing else.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { check } from "../../src/check/index.ts";
import { checkCodes } from "../../src/diagnostics/codes-check.ts";
import { parse } from "../../src/syntax/parse.ts";
import { actualOf, annotationFor, matches, readExpectations } from "./annotations.ts";

const dir = join(import.meta.dirname, "../fixtures/check");
const fixtures = readdirSync(dir).filter((f) => f.endsWith(".net"));

function diagnose(text: string) {
  const parsed = parse(text);
  return [...parsed.diagnostics, ...check(parsed.program).diagnostics];
}

describe("inline-annotated fixtures", () => {
  it.each(fixtures)("%s", (file) => {
    const text = readFileSync(join(dir, file), "utf8");
    const expected = readExpectations(text);
    const actual = diagnose(text).map((d) => actualOf(text, d));
    const missing = expected.filter((e) => !actual.some((a) => matches(e, a)));
    const unexpected = actual.filter((a) => !expected.some((e) => matches(e, a)));
    expect({ missing: missing.map(annotationFor), unexpected: unexpected.map(annotationFor) }).toEqual({
      missing: [],
      unexpected: [],
    });
  });

  it("cover every checker code except the --param one (tested through the API)", () => {
    const seen = new Set(fixtures.flatMap((f) => readExpectations(readFileSync(join(dir, f), "utf8")).map((e) => e.code)));
    const uncovered = Object.keys(checkCodes).filter((c) => !seen.has(c) && c !== "NET2014");
    expect(uncovered).toEqual([]);
  });
});
