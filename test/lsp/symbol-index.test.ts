// The LSP's lexical name binding agrees with the checker's on every example, and follows the
// scoping rules of LANGUAGE.md section 2 on programs that do not check.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Span } from "../../src/diagnostics/diagnostic.ts";
import { analyze } from "../../src/lsp/analysis.ts";
import { repoRoot } from "./lsp-client.ts";

const key = (s: Span) => `${s.start}:${s.end}`;
const examplesDir = join(repoRoot, "examples");

describe("symbol index against the checker's facts", () => {
  for (const file of readdirSync(examplesDir).filter((f) => f.endsWith(".net"))) {
    it(`${file}: same declarations; same references plus named arguments of block calls`, () => {
      const text = readFileSync(join(examplesDir, file), "utf8");
      const a = analyze(text, 1);
      const theirs = [...a.checked!.facts.symbols.values()];
      expect(a.symbols.symbols.map((s) => `${s.kind} ${s.name} ${key(s.nameSpan)}`).sort()).toEqual(
        theirs.map((s) => `${s.kind} ${s.name} ${key(s.declaration)}`).sort(),
      );
      for (const info of theirs) {
        const mine = a.symbols.symbols.find((s) => key(s.nameSpan) === key(info.declaration))!;
        const uses = a.symbols.refsOf(mine).filter((r) => !r.isDeclaration);
        const checkerUses = new Set(info.references.map(key));
        for (const use of uses) {
          if (checkerUses.has(key(use.span))) continue;
          // The only extra: `stride` in `dwsep(128, stride = 2)` names the block's parameter.
          expect(mine.kind).toBe("param");
          expect(text.slice(use.span.end).trimStart().startsWith("=")).toBe(true);
        }
        expect(uses.map((u) => key(u.span))).toEqual(expect.arrayContaining([...checkerUses]));
      }
    });
  }
});

describe("scoping on programs with errors", () => {
  const text = `block top(f) {
  conv(f, 3x3) -> inner
  add(inner)
}

model M(f = 8, n = 2) {
  input x: [8, 8, 3]
  block local(g) {
    conv(g * f, 1x1)
  }
  repeat n as i {
    local(g = f + i) -> y
  }
  conv(undefined_param, 3x3)
  from y
  top(f)
}
`;
  const a = analyze(text, 1);
  const resolve = (needle: string, nth = 0) => {
    let at = -1;
    for (let k = 0; k <= nth; k++) at = text.indexOf(needle, at + 1);
    const ref = a.symbols.at(at);
    return (
      ref && `${ref.symbol.kind} ${ref.symbol.name}@${text.slice(0, ref.symbol.nameSpan.start).split("\n").length}`
    );
  };

  it("still reports the checker's error and binds everything else", () => {
    expect(a.diagnostics.map((d) => d.code)).toContain("NET2003");
    expect(resolve("undefined_param")).toBeUndefined();
  });

  it("resolves a block parameter before the model's, and a nested block sees the model's", () => {
    expect(resolve("f, 3x3")).toBe("param f@1");
    expect(resolve("g * f")).toBe("param g@8");
    expect(resolve("f, 1x1")).toBe("param f@6");
    expect(resolve("f + i")).toBe("param f@6");
    expect(resolve("i)")).toBe("loop i@11");
    expect(resolve("g = f")).toBe("param g@8");
  });

  it("keeps labels per unit: the block's label is not the model's", () => {
    expect(resolve("inner)")).toBe("label inner@2");
    expect(resolve("y\n  top")).toBe("label y@12");
    expect(a.symbols.visibleAt(text.lastIndexOf("top(f)")).labels.map((l) => l.name)).toEqual(["x", "y"]);
    expect(a.symbols.visibleAt(text.indexOf("add(inner)")).labels.map((l) => l.name)).toEqual(["inner"]);
  });
});
