// docs/sequences.md: its example programs check without errors, and the worked counts it
// states are the checker's.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { check } from "../../src/check/index.ts";
import { parse } from "../../src/syntax/parse.ts";

const doc = readFileSync(join(import.meta.dirname, "../../docs/sequences.md"), "utf8");
const fmt = (n: number) => n.toLocaleString("en-US");

function lastNode(body: string) {
  const { program } = parse(`model M {\n${body}\n}`);
  const result = check(program);
  expect(result.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  return result.graphs.get("M")!.nodes.at(-1)!;
}

describe("docs/sequences.md", () => {
  const programs = [...doc.matchAll(/```netc\n([\s\S]*?)```/g)].map((m) => m[1]!);

  it.each(programs.map((p) => [p.split("\n")[0]!, p]))("%s checks cleanly", (_, text) => {
    const parsed = parse(text);
    expect([...parsed.diagnostics, ...check(parsed.program).diagnostics]).toEqual([]);
  });

  it("states the checker's counts for the worked conv and attention layers", () => {
    const conv = lastNode("  input x: [56, 56, 64]\n  conv(64, 3x3)");
    expect(doc).toContain(`**${fmt(conv.paramCount)} params**`);
    expect(doc).toContain(`**${fmt(conv.macs)} MACs**`);
    const attention = lastNode("  input x: [197, 768]\n  attention(12)");
    expect(doc).toContain(`4·C² + 4·C = **${fmt(attention.paramCount)} params**`);
    expect(doc).toContain(`**${fmt(attention.macs)} MACs**`);
    const cross = lastNode("  input memory: [20, 48]\n  input x: [10, 64]\n  attention(4, context = memory)");
    expect(doc).toContain(`2·64² + 2·64·48 + 4·64 = ${fmt(cross.paramCount)}`);
  });
});
