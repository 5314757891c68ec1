// The standalone linker on hostile sources: the runtime's own files are tame, so these build
// small modules that break word- and line-based linking, link them, and run the result.
import { describe, expect, it } from "vitest";
import ts from "typescript";
import {
  inlineModules,
  type Binding,
  type InlineRoot,
  type LinkSource,
} from "../../src/backends/emit-ts/link-modules.ts";
import { parseSource } from "../../src/backends/emit-ts/parse-source.ts";

const BASE = "netc:/src/";

/** Links `roots` out of in-memory files (paths relative to BASE). */
function link(
  files: Record<string, string>,
  roots: readonly InlineRoot[],
  bind?: ReadonlyMap<string, Binding>,
): string {
  const load = (url: string): LinkSource => {
    const text = files[url.slice(BASE.length)];
    if (text === undefined) throw new Error(`no file ${url}`);
    return { text, parsed: parseSource(url, text) };
  };
  return inlineModules(
    roots.map((root) => ({ ...root, path: BASE + root.path })),
    { load, bind },
  );
}

/** Runs the linked code (types erased) followed by `tail`, returning what `tail` returns. */
function run(code: string, tail: string): unknown {
  const js = ts.transpileModule(code, {
    compilerOptions: { target: ts.ScriptTarget.ES2022 },
  }).outputText;
  return new Function(`${js}\n${tail}`)();
}

describe("the standalone linker", () => {
  it("keeps a template literal whose line starts with `const` at column 0 whole", () => {
    const files = {
      "a.ts": [
        "export function greeting(): string {",
        "  return `first line",
        "const second = line;",
        "export function third() {}`;",
        "}",
        "",
      ].join("\n"),
    };
    const code = link(files, [{ path: "a.ts", names: ["greeting"] }]);
    expect(run(code, "return greeting();")).toBe("first line\nconst second = line;\nexport function third() {}");
  });

  it("renames a clashing type only where it is referred to, not in strings, keys, properties or comments", () => {
    const files = {
      "a.ts": [
        'export interface Shape { readonly kind: "a"; readonly size: number }',
        "export function describeA(s: Shape): string {",
        "  return `Shape ${s.size}`;",
        "}",
        "",
      ].join("\n"),
      "b.ts": [
        "// Shape here is b's own.",
        'export interface Shape { readonly kind: "b"; readonly Shape: string }',
        "export function describeB(s: Shape): string {",
        "  const keys = { Shape: 1, 'Shape': 2 };",
        '  return "Shape " + s.Shape + keys.Shape;',
        "}",
        "",
      ].join("\n"),
    };
    const code = link(files, [
      { path: "a.ts", names: ["describeA"] },
      { path: "b.ts", names: ["describeB"] },
    ]);
    expect(code).toContain("interface Shape {");
    expect(code).toContain("interface Shape_2 {");
    expect(code).toContain("function describeB(s: Shape_2)");
    expect(code).toContain('return "Shape " + s.Shape + keys.Shape;');
    expect(code).toContain("readonly Shape: string");
    expect(code).toContain("// Shape here is b's own.");
    expect(run(code, 'return describeB({ kind: "b", Shape: "x" }) + "|" + describeA({ kind: "a", size: 3 });')).toBe(
      "Shape x2|Shape 3",
    );
  });

  it("does not take a shadowing local, a key or a string for a reference (nothing unused is linked)", () => {
    const files = {
      "a.ts": [
        "export function helper(): number { return 1; }",
        "export function unused(): number { return 2; }",
        "export function main(): number {",
        "  const unused = 40;",
        "  const o = { helper: 0, unused: 0 };",
        "  return unused + o.unused + helper() + 'unused'.length - 6;",
        "}",
        "",
      ].join("\n"),
    };
    const code = link(files, [{ path: "a.ts", names: ["main"] }]);
    expect(code).not.toContain("return 2;");
    expect(run(code, "return main();")).toBe(41);
  });

  it("follows a shorthand property to the import it names, and keeps the key when renaming", () => {
    const files = {
      "point.ts": "export class Point { constructor(readonly x: number) {} }\n",
      "other.ts": "export class Point { readonly y = 0; }\nexport const origin = new Point();\n",
      "main.ts": [
        'import { Point } from "./point.ts";',
        'import { origin } from "./other.ts";',
        "export function kinds() {",
        "  return { Point, origin };",
        "}",
        "",
      ].join("\n"),
    };
    const code = link(files, [
      { path: "other.ts", names: ["Point", "origin"] },
      { path: "main.ts", names: ["kinds"] },
    ]);
    // other.ts's Point is a root, so it keeps the name and point.ts's is renamed.
    expect(code).toContain("return { Point: Point_2, origin };");
    expect(run(code, "const k = kinds(); return [new k.Point(3).x, k.origin.y];")).toEqual([3, 0]);
  });

  it("binds an import to a value the caller passes in", () => {
    const files = {
      "registry.ts":
        'export const table: Record<string, number> = { big: 1 };\nexport function loud() { throw new Error("linked"); }\n',
      "use.ts": [
        'import { table } from "./registry.ts";',
        'import { loud } from "./registry.ts";',
        "export function lookup(key: string): number { return table[key] ?? loud(); }",
        "",
      ].join("\n"),
      "quiet.ts": "export function quiet(): number { return -1; }\n",
    };
    const bind = new Map<string, Binding>([
      [`${BASE}registry.ts#table`, { global: "PASSED" }],
      [`${BASE}registry.ts#loud`, { path: `${BASE}quiet.ts`, name: "quiet" }],
    ]);
    const code = link(files, [{ path: "use.ts", names: ["lookup"] }], bind);
    expect(code).not.toContain("big");
    expect(code).not.toContain("linked");
    expect(run(code, 'const PASSED = { small: 7 }; return [lookup("small"), lookup("big")];')).toEqual([7, -1]);
  });

  it("refuses to link a dynamic import it reaches, and says which", () => {
    const files = {
      "a.ts": [
        'export async function load() { return import("./b.ts"); }',
        "export function safe() { return 1; }",
        "",
      ].join("\n"),
    };
    expect(run(link(files, [{ path: "a.ts", names: ["safe"] }]), "return safe();")).toBe(1);
    expect(() => link(files, [{ path: "a.ts", names: ["load"] }])).toThrow(
      /cannot inline load from .*a\.ts: it uses a dynamic import\(\)/,
    );
  });

  it("refuses what it cannot link, naming the file and line", () => {
    expect(() =>
      link({ "a.ts": "export const x = 1;\nexport enum E { A }\n" }, [{ path: "a.ts", names: ["x"] }]),
    ).toThrow(/a\.ts:2: cannot inline a EnumDeclaration/);
    expect(() =>
      link({ "a.ts": "export const x = 1;\ndeclare const y: number;\n" }, [{ path: "a.ts", names: ["x"] }]),
    ).toThrow(/a\.ts:2: cannot inline an ambient \(declare\) statement/);
    expect(() => link({ "a.ts": "export const x = 1;\n" }, [{ path: "a.ts", names: ["y"] }])).toThrow(
      /a\.ts exports no "y"/,
    );
  });

  it("runs each file's code in its own scope, so private helpers of the same name do not clash", () => {
    const files = {
      "a.ts": "function twice(x: number) { return 2 * x; }\nexport function a(x: number) { return twice(x); }\n",
      "b.ts": "function twice(x: number) { return x + x + 1; }\nexport function b(x: number) { return twice(x); }\n",
    };
    const code = link(files, [
      { path: "a.ts", names: ["a"] },
      { path: "b.ts", names: ["b"] },
    ]);
    expect(run(code, "return [a(3), b(3)];")).toEqual([6, 7]);
  });
});
