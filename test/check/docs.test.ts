// docs/diagnostics.md lists every code of the catalogue, with its title and severity, and its
// examples still produce exactly the output shown.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { check } from "../../src/check/index.ts";
import { catalogue } from "../../src/diagnostics/catalogue.ts";
import { renderDiagnostics } from "../../src/diagnostics/render.ts";
import { parse } from "../../src/syntax/parse.ts";

const doc = readFileSync(join(import.meta.dirname, "../../docs/diagnostics.md"), "utf8");
const sections = new Map(
  doc
    .split(/^### /m)
    .slice(1)
    .map((s) => [s.slice(0, 7), s] as const),
);

describe("docs/diagnostics.md", () => {
  it("has one section per catalogue code, with its title and severity, and no others", () => {
    expect([...sections.keys()].sort()).toEqual(Object.keys(catalogue).sort());
    for (const [code, info] of Object.entries(catalogue)) {
      expect(sections.get(code)!.split("\n")[0]).toBe(`${code} — ${info.title} (${info.severity})`);
    }
  });

  const examples = [...sections].filter(([code]) => code !== "NET2014");
  it.each(examples)("%s: the example gives the output shown", (code, section) => {
    const blocks = [...section.matchAll(/```\n([\s\S]*?)```/g)].map((m) => m[1]!);
    const [source, shown] = [blocks[0]!.replace(/\n$/, ""), blocks[1]!];
    const parsed = parse(source);
    const all = [...parsed.diagnostics, ...check(parsed.program).diagnostics].filter((d) => d.code === code);
    expect(all.length).toBeGreaterThan(0);
    const rendered = renderDiagnostics("example.net", source, all.slice(0, 1));
    expect(rendered).toBe(shown);
  });
});
