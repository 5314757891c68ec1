// Just enough Markdown for the documentation tests: fenced code blocks, links and heading
// anchors as GitHub renders them. (A full parser would be a dependency for three regexes.)
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

export const root = join(import.meta.dirname, "../..");

/** README.md and every Markdown file under docs/, as paths relative to the repository. */
export function documentationFiles(): string[] {
  const walk = (dir: string): string[] =>
    readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? walk(join(dir, e.name)) : e.name.endsWith(".md") ? [join(dir, e.name)] : [],
    );
  return ["README.md", ...walk("docs")];
}

export function read(path: string): string {
  return readFileSync(join(root, path), "utf8");
}

export interface CodeBlock {
  readonly info: string;
  readonly text: string;
  /** 1-based line of the opening fence. */
  readonly line: number;
}

/** Fenced code blocks (``` or ~~~, at the start of a line) with their info strings. */
export function codeBlocks(markdown: string): CodeBlock[] {
  const blocks: CodeBlock[] = [];
  const lines = markdown.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const open = /^(`{3,}|~{3,})\s*([^`\s]*)/.exec(lines[i]!);
    if (!open) continue;
    const fence = open[1]!;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !lines[i]!.startsWith(fence); i++) body.push(lines[i]!);
    blocks.push({ info: open[2]!, text: body.join("\n"), line: start + 1 });
  }
  return blocks;
}

/** The text with code blocks and inline code blanked out (line numbers kept). */
export function proseOf(markdown: string): string {
  const lines = markdown.split("\n");
  let fence: string | undefined;
  return lines
    .map((line) => {
      const marker = /^(`{3,}|~{3,})/.exec(line)?.[1];
      if (fence) {
        if (marker && line.startsWith(fence)) fence = undefined;
        return "";
      }
      if (marker) {
        fence = marker;
        return "";
      }
      return line.replace(/(`+)[^`]*?\1/g, "");
    })
    .join("\n");
}

export interface Link {
  readonly target: string;
  readonly line: number;
}

/** Inline links and images `[text](target)`, reference definitions `[id]: target`, and HTML `href`/`src`. */
export function links(markdown: string): Link[] {
  const found: Link[] = [];
  proseOf(markdown)
    .split("\n")
    .forEach((line, i) => {
      const add = (target: string) => found.push({ target, line: i + 1 });
      for (const m of line.matchAll(/\]\(\s*<?([^)\s>]*)>?(?:\s+"[^"]*")?\s*\)/g)) add(m[1]!);
      const definition = /^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/.exec(line);
      if (definition) add(definition[1]!);
      for (const m of line.matchAll(/\b(?:href|src)\s*=\s*"([^"]*)"/g)) add(m[1]!);
    });
  return found;
}

/** GitHub's heading anchor: lower case, punctuation dropped, spaces to hyphens (github-slugger). */
export function slug(heading: string): string {
  const text = heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, "$1") // a link's text
    .replace(/<[^>]+>/g, "") // inline HTML
    .trim()
    .toLowerCase();
  return text.replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, "").replace(/ /g, "-");
}

/** Every anchor a Markdown file defines: its headings (duplicates get -1, -2, ...) and HTML ids. */
export function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const line of proseOfHeadings(markdown)) {
    const base = slug(line);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  for (const m of markdown.matchAll(/<a\s+(?:id|name)\s*=\s*"([^"]+)"/g)) out.add(m[1]!);
  return out;
}

/** The text of every ATX heading outside code blocks (inline code kept, backticks dropped). */
function proseOfHeadings(markdown: string): string[] {
  const lines = markdown.split("\n");
  const headings: string[] = [];
  let fence: string | undefined;
  for (const line of lines) {
    const marker = /^(`{3,}|~{3,})/.exec(line)?.[1];
    if (fence) {
      if (marker && line.startsWith(fence)) fence = undefined;
      continue;
    }
    if (marker) {
      fence = marker;
      continue;
    }
    const h = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (h) headings.push(h[1]!.replace(/`/g, ""));
  }
  return headings;
}
