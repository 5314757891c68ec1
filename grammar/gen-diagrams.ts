// Writes the generated grammar documentation from the parser itself:
//   docs/grammar.html — Chevrotain railroad diagrams of every rule;
//   docs/grammar.md   — the EBNF between the GENERATED markers.
// Run after changing a rule: npx tsx grammar/gen-diagrams.ts
// (test/syntax/grammar.test.ts fails while either file is stale).
import { readFileSync, writeFileSync } from "node:fs";
import { createSyntaxDiagramsCode } from "chevrotain";
import { netParser } from "./parser.ts";
import { grammarEbnf } from "./ebnf.ts";

export const BEGIN_EBNF = "<!-- BEGIN GENERATED EBNF (grammar/gen-diagrams.ts) -->";
export const END_EBNF = "<!-- END GENERATED EBNF -->";

export function diagramsHtml(): string {
  return createSyntaxDiagramsCode(netParser().getSerializedGastProductions());
}

/** `markdown` with the text between the markers replaced by the current EBNF. */
export function withGeneratedEbnf(markdown: string): string {
  const begin = markdown.indexOf(BEGIN_EBNF);
  const end = markdown.indexOf(END_EBNF);
  if (begin < 0 || end < begin) return markdown;
  const block = `${BEGIN_EBNF}\n\`\`\`ebnf\n${grammarEbnf()}\n\`\`\`\n`;
  return markdown.slice(0, begin) + block + markdown.slice(end);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const docs = new URL("../docs/", import.meta.url);
  writeFileSync(new URL("grammar.html", docs), diagramsHtml());
  const md = new URL("grammar.md", docs);
  writeFileSync(md, withGeneratedEbnf(readFileSync(md, "utf8")));
}
