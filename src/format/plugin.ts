// The Prettier 3 plugin for .net files: language "netc", parser "netc" (our parse(), which
// refuses a file with syntax errors rather than mangle it), printer "netc-ast".
import type { Parser, Plugin, SupportLanguage } from "prettier";
import { parse } from "../syntax/parse.ts";
import { lex } from "../syntax/lex.ts";
import type { Diagnostic } from "../diagnostics/diagnostic.ts";
import { buildPrintTree, type PNode } from "./print-tree.ts";
import { netcPrinter } from "./printer.ts";

/** Raised (as a rejected promise) when the text has syntax errors; nothing is formatted. */
export class SyntaxErrorsError extends Error {
  constructor(readonly diagnostics: readonly Diagnostic[]) {
    const first = diagnostics[0];
    super(`cannot format: ${diagnostics.length} syntax error(s)${first ? `; first: ${first.code} ${first.message}` : ""}`);
    this.name = "SyntaxErrorsError";
  }
}

export const languages: SupportLanguage[] = [
  { name: "netc", parsers: ["netc"], extensions: [".net"], vscodeLanguageIds: ["netc"] },
];

const netcParser: Parser<PNode> = {
  astFormat: "netc-ast",
  parse(text) {
    const { program, diagnostics } = parse(text);
    const errors = diagnostics.filter((d) => d.severity === "error");
    if (errors.length > 0) throw new SyntaxErrorsError(errors);
    return buildPrintTree(program, lex(text).tokens);
  },
  locStart: (node) => node.span.start,
  locEnd: (node) => node.span.end,
};

export const parsers = { netc: netcParser };
export const printers = { "netc-ast": netcPrinter };

const plugin: Plugin<PNode> = { languages, parsers, printers };
export default plugin;
