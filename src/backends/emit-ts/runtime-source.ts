// Where `netc compile` reads the runtime's TypeScript modules that it inlines. From the repo,
// they are the files under src/, addressed by file: URLs. The build (scripts/build.ts) swaps
// this module for one that embeds the same texts, so the installed package (which ships no
// .ts sources) and the browser entry compile too.
import { readFileSync } from "node:fs";

/** The URL of the module at `relative` (to src/, e.g. "runtime/ops.ts"). Relative imports
 * inside it resolve against this URL. */
export function sourceUrl(relative: string): string {
  return new URL(`../../${relative}`, import.meta.url).href;
}

/** The text of the module at a URL from sourceUrl (or resolved from one). */
export function readSource(url: string): string {
  return readFileSync(new URL(url), "utf8");
}
