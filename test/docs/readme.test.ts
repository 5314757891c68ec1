// The README's runnable code blocks run and print what they show: its `console` blocks
// (netc commands with their output) and its `ts` blocks (the TypeScript API). The Quick start's
// `npm start` (training) is left out: it takes too long for a unit test.
import { describe, expect, it } from "vitest";
import { codeBlocks, read } from "./markdown.ts";
import { consoleCommands, expectedPrints, matchesWithElision, runNetc, runTypeScript, scratchDirectory } from "./run-blocks.ts";

const readme = read("README.md");
const scratch = scratchDirectory();
const commands = consoleCommands("README.md");
const programs = codeBlocks(readme).filter((b) => b.info === "ts");

describe("README.md", () => {
  it("has runnable blocks", () => {
    expect(commands.length).toBeGreaterThan(0);
    expect(programs.length).toBeGreaterThan(0);
  });

  it.each(commands.map((c) => [`line ${c.line}: netc ${c.args.join(" ")}`, c] as const))("%s", async (_, c) => {
    const r = await runNetc(c.args, scratch);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(matchesWithElision(r.stdout, c.expected), `README.md:${c.line} printed:\n${r.stdout}`).toBe(true);
  });

  it.each(programs.map((p) => [`line ${p.line}: the TypeScript example`, p] as const))("%s", async (_, p) => {
    const r = await runTypeScript(p.text, scratch, `readme-${p.line}`);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const printed = r.stdout.split("\n");
    const wanted = expectedPrints(p.text);
    expect(wanted.length).toBeGreaterThan(0);
    // Each `// → value` line is printed, in order (other lines may come between).
    let from = 0;
    for (const value of wanted) {
      const at = printed.indexOf(value, from);
      expect(at, `'${value}' not printed in order; stdout:\n${r.stdout}`).toBeGreaterThanOrEqual(0);
      from = at + 1;
    }
  });
});
