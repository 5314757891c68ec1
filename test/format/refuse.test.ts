import { describe, expect, it } from "vitest";
import plugin from "netc/prettier";
import { format } from "prettier";
import { formatSource, SyntaxErrorsError } from "../../src/format/index.ts";

describe("the Prettier plugin", () => {
  it("is importable as netc/prettier and declares the netc language", async () => {
    expect(plugin.languages?.[0]).toMatchObject({ name: "netc", extensions: [".net"], parsers: ["netc"] });
    expect(await format("model M{relu}", { parser: "netc", plugins: [plugin] })).toBe("model M {\n  relu\n}\n");
  });

  it("is picked by file name", async () => {
    expect(await format("model M{relu}", { filepath: "m.net", plugins: [plugin] })).toBe("model M {\n  relu\n}\n");
  });

  it("refuses a file with syntax errors, reporting them", async () => {
    const text = "model M {\n  conv(6, 5x5\n  relu\n  dense(10 *)\n}\n";
    const error = await formatSource(text).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SyntaxErrorsError);
    const diagnostics = (error as SyntaxErrorsError).diagnostics;
    expect(diagnostics.map((d) => d.code)).toEqual(["NET1010", "NET1011"]);
    expect((error as Error).message).toContain("2 syntax error(s)");
  });

  it("formats an empty file and a comment-only file", async () => {
    expect(await formatSource("")).toBe("");
    expect(await formatSource("\n\n  // just a comment  \n/* and a block */\n")).toBe("// just a comment\n/* and a block */\n");
  });
});
