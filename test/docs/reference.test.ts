// The language reference keeps up with the checker: every op, every built-in function and
// every lint the code knows is documented in docs/reference/.
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { builtins } from "../../src/check/evaluate.ts";
import { ops } from "../../src/check/ops/registry.ts";
import { catalogue } from "../../src/diagnostics/catalogue.ts";
import { read, root } from "./markdown.ts";

const pages = readdirSync(join(root, "docs/reference")).filter((f) => f.endsWith(".md"));
const reference = pages.map((f) => read(`docs/reference/${f}`)).join("\n");

/** Documented: a heading names it, or it is written as code, bare (`relu`) or called (`conv(`). */
function documents(text: string, name: string): boolean {
  const word = name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`^#+ .*\\b${word}\\b`, "m").test(text) || new RegExp(`\`${word}[\`(]`).test(text);
}

describe("docs/reference", () => {
  it("documents every op of the checker", () => {
    expect(Object.keys(ops).filter((op) => !documents(reference, op))).toEqual([]);
  });

  it("documents every built-in function in language.md", () => {
    const language = read("docs/reference/language.md");
    expect(Object.keys(builtins).filter((f) => !language.includes(`\`${f}(`))).toEqual([]);
  });

  it("lists every lint in language.md", () => {
    const language = read("docs/reference/language.md");
    const lints = Object.keys(catalogue).filter((code) => code.startsWith("NET5"));
    expect(lints.length).toBeGreaterThan(0);
    expect(lints.filter((code) => !language.includes(code))).toEqual([]);
  });

  it("the check catches an undocumented name", () => {
    expect(documents("### conv\n", "conv")).toBe(true);
    expect(documents("| `relu` |", "relu")).toBe(true);
    expect(documents("`leaky_relu(alpha = 0.01)`", "leaky_relu")).toBe(true);
    expect(documents("`conv_transpose(...)`", "conv")).toBe(false);
  });
});
