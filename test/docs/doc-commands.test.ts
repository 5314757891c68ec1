// Every `$ netc ...` command in the console blocks of docs/**/*.md runs and prints what the
// page shows (the primer's worked examples among them), so the documented numbers cannot drift
// from what netc computes.
import { describe, expect, it } from "vitest";
import { documentationFiles } from "./markdown.ts";
import { consoleCommands, matchesWithElision, runNetc, scratchDirectory } from "./run-blocks.ts";

const scratch = scratchDirectory();
const commands = documentationFiles()
  .filter((f) => f !== "README.md")
  .flatMap(consoleCommands);

describe("console blocks of docs/", () => {
  it("include the primer's worked examples", () => {
    expect(commands.filter((c) => c.file === "docs/reference/primer.md").length).toBeGreaterThanOrEqual(10);
  });

  // One at a time: each command is a whole netc process, and the machine may be busy.
  describe("commands", () => {
    it.each(commands.map((c) => [`${c.file}:${c.line}: netc ${c.args.join(" ")}`, c] as const))("%s", async (_, c) => {
      const r = await runNetc(c.args, scratch);
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
      expect(matchesWithElision(r.stdout, c.expected), `${c.file}:${c.line} printed:\n${r.stdout}`).toBe(true);
    });
  });
});

describe("the elision matcher", () => {
  it("matches exactly, or with '...' standing for any lines", () => {
    const out = "a\nb\nc\nd\n";
    expect(matchesWithElision(out, "a\nb\nc\nd")).toBe(true);
    expect(matchesWithElision(out, "a\nb\nc")).toBe(false);
    expect(matchesWithElision(out, "a\n...\nd")).toBe(true);
    expect(matchesWithElision(out, "...\nc\n...")).toBe(true);
    expect(matchesWithElision(out, "...\nb\nd\n...")).toBe(false);
    expect(matchesWithElision(out, "a\n...\nc")).toBe(false);
    expect(matchesWithElision(out, "...\nd\na")).toBe(false);
  });
});
