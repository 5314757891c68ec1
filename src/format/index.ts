// The Prettier plugin (published as `netc/prettier` through src/prettier.ts), plus formatSource for the CLI
// and the language server.
import { format } from "prettier";
import plugin from "./plugin.ts";

export { languages, parsers, printers, SyntaxErrorsError } from "./plugin.ts";
export default plugin;

/** The formatted text. Rejects with SyntaxErrorsError (carrying the diagnostics) when the
 * text has syntax errors. */
export async function formatSource(text: string): Promise<string> {
  return format(text, { parser: "netc", plugins: [plugin] });
}
