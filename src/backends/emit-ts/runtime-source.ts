// Where `netc compile` reads the runtime's TypeScript modules that it links, with their parse.
// From the repo, they are the files under src/, addressed by file: URLs, parsed on first use.
// The build (scripts/build.ts) swaps this module for one that embeds the same texts and their
// parses, so the installed package (which ships neither .ts sources nor the TypeScript
// compiler) and the browser entry compile too.
import { readFileSync } from "node:fs";
import { parseSource } from "./parse-source.ts";
import type { LinkSource } from "./link-modules.ts";

/** The URL of the module at `relative` (to src/, e.g. "runtime/ops.ts"). Relative imports
 * inside it resolve against this URL. */
export function sourceUrl(relative: string): string {
  return new URL(`../../${relative}`, import.meta.url).href;
}

const loaded = new Map<string, LinkSource>();

/** The text and parse of the module at a URL from sourceUrl (or resolved from one). */
export function loadSource(url: string): LinkSource {
  let source = loaded.get(url);
  if (!source) {
    const text = readFileSync(new URL(url), "utf8");
    loaded.set(url, (source = { text, parsed: parseSource(url, text) }));
  }
  return source;
}
