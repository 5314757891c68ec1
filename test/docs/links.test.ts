// Every relative link and anchor in README.md and docs/**/*.md resolves to a file inside the
// repository (and to a heading of it), and no page points at a machine path or at files users
// do not have.
import { existsSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { describe, expect, it } from "vitest";
import { anchors, codeBlocks, documentationFiles, links, read, root, slug } from "./markdown.ts";

const files = documentationFiles();

function isExternal(target: string): boolean {
  return /^[a-z][a-z0-9+.-]*:/i.test(target); // https:, mailto:, ...
}

/** Problems with one link of `file`, as messages; [] when it resolves. */
function check(file: string, target: string): string[] {
  if (target === "") return ["empty link target"];
  if (isExternal(target)) return [];
  const hash = target.indexOf("#");
  const path = decodeURI(hash < 0 ? target : target.slice(0, hash));
  const anchor = hash < 0 ? undefined : decodeURIComponent(target.slice(hash + 1));
  if (path.startsWith("/")) return [`'${target}' is an absolute path; link relative to ${file}`];
  const absolute = path === "" ? join(root, file) : resolve(root, dirname(file), path);
  const inside = relative(root, absolute);
  if (inside.startsWith("..") || inside.startsWith(sep)) return [`'${target}' points outside the repository`];
  if (!existsSync(absolute)) return [`'${target}': ${inside} does not exist`];
  if (anchor === undefined) return [];
  if (!absolute.endsWith(".md") || statSync(absolute).isDirectory())
    return [`'${target}': anchors are only checked in Markdown files`];
  const defined = anchors(read(inside));
  return defined.has(anchor) ? [] : [`'${target}': ${inside} has no heading with the anchor #${anchor}`];
}

describe("documentation links", () => {
  it("finds the documentation", () => {
    expect(files).toContain("README.md");
    expect(files).toContain("docs/reference/index.md");
  });

  it.each(files)("%s: every relative link and anchor resolves inside the repository", (file) => {
    const problems = links(read(file)).flatMap((l) => check(file, l.target).map((p) => `${file}:${l.line}: ${p}`));
    expect(problems).toEqual([]);
  });

  it.each(files)("%s: names no machine path and nothing outside the repository", (file) => {
    const text = read(file);
    const offending = text
      .split("\n")
      .map((line, i) => ({ line, n: i + 1 }))
      .filter(({ line }) => line.includes("/work/") || line.includes("../shared") || /LANGUAGE\.md/.test(line))
      .map(({ line, n }) => `${file}:${n}: ${line.trim()}`);
    expect(offending).toEqual([]);
  });
});

describe("the link checker itself", () => {
  it("computes GitHub's heading anchors", () => {
    expect(slug("maxpool, avgpool")).toBe("maxpool-avgpool");
    expect(slug("if / else")).toBe("if--else");
    expect(slug("softmax, log_softmax")).toBe("softmax-log_softmax");
    expect(slug("Arrays: NumPy .npy")).toBe("arrays-numpy-npy");
    expect(slug("A [linked](x.md) heading")).toBe("a-linked-heading");
    expect([...anchors("# A\n## A\n```\n# not a heading\n```\n### `code` B\n")]).toEqual(["a", "a-1", "code-b"]);
  });

  it("reports a missing file, a missing anchor and a path outside the repository", () => {
    expect(check("README.md", "docs/nope.md")).toEqual(["'docs/nope.md': docs/nope.md does not exist"]);
    expect(check("README.md", "docs/reference/ops.md#no-such-op")[0]).toContain("has no heading with the anchor");
    expect(check("docs/reference/ops.md", "../../../shared/spec/x.md")[0]).toContain("outside the repository");
    expect(check("README.md", "https://example.com/x")).toEqual([]);
    expect(check("docs/reference/ops.md", "#conv")).toEqual([]);
  });

  it("ignores links inside code", () => {
    const text = "see [a](a.md)\n```\n[b](b.md)\n```\nand `[c](c.md)`\n";
    expect(links(text).map((l) => l.target)).toEqual(["a.md"]);
    expect(codeBlocks(text)).toHaveLength(1);
  });
});
