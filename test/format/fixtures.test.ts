// Input/output pairs: test/fixtures/format/NAME.in.net formats to NAME.out.net, which is a
// fixed point.
import { readFileSync, readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { formatSource } from "../../src/format/index.ts";

const dir = new URL("../fixtures/format/", import.meta.url);
const inputs = readdirSync(dir).filter((f) => f.endsWith(".in.net")).sort();

describe("format fixtures", () => {
  it("exist", () => expect(inputs.length).toBeGreaterThanOrEqual(5));

  for (const input of inputs) {
    const output = input.replace(/\.in\.net$/, ".out.net");
    it(`${input} → ${output}`, async () => {
      const expected = readFileSync(new URL(output, dir), "utf8");
      expect(await formatSource(readFileSync(new URL(input, dir), "utf8"))).toBe(expected);
      expect(await formatSource(expected)).toBe(expected);
    });
  }
});
