// The generated artifacts (CST types, EBNF, railroad diagrams) and the CST→AST visitor must
// stay in step with the parser's rules.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { createToken, Lexer } from "chevrotain";
import { NetParser, netParser } from "../../grammar/parser.ts";
import { allTokens, keywordTokens, NET_LEXER_OPTIONS } from "../../grammar/tokens.ts";
import { cstTypesSource } from "../../grammar/gen-cst-types.ts";
import { diagramsHtml, withGeneratedEbnf } from "../../grammar/gen-diagrams.ts";
import { AstBuilder } from "../../src/syntax/cst-to-ast.ts";

const root = new URL("../../", import.meta.url);
const read = (path: string) => readFileSync(new URL(path, root), "utf8");
const ruleNames = Object.keys(netParser().getGAstProductions());
const regenerate = "run: npx tsx grammar/gen-diagrams.ts && npx tsx grammar/gen-cst-types.ts";

describe("the grammar and what is generated from it", () => {
  it("passes Chevrotain's parser and lexer validations (the shared instances skip them to start quicker)", () => {
    expect(() => new NetParser({ validate: true })).not.toThrow();
    expect(() => new Lexer(allTokens, NET_LEXER_OPTIONS)).not.toThrow();
    // A broken token set does fail them (here: a pattern that matches the empty string).
    const empty = createToken({ name: "Empty", pattern: /x*/ });
    expect(() => new Lexer([...allTokens, empty], NET_LEXER_OPTIONS)).toThrow(/empty string/);
  });

  it("has the rules the visitor handles, one method each", () => {
    expect(ruleNames.length).toBeGreaterThan(30);
    const missing = ruleNames.filter((name) => typeof (AstBuilder.prototype as unknown as Record<string, unknown>)[name] !== "function");
    expect(missing).toEqual([]);
  });

  it("grammar/cst-types.ts is up to date", () => {
    expect(read("grammar/cst-types.ts"), regenerate).toBe(cstTypesSource());
  });

  it("docs/grammar.md holds the current EBNF, one definition per rule", () => {
    const markdown = read("docs/grammar.md");
    expect(markdown, regenerate).toBe(withGeneratedEbnf(markdown));
    const defined = [...markdown.matchAll(/^(\w+)\s+= /gm)].map((m) => m[1]);
    expect(defined).toEqual(ruleNames);
  });

  it("docs/grammar.md lists every keyword", () => {
    const markdown = read("docs/grammar.md");
    const keywordRow = markdown.split("\n").find((line) => line.startsWith("| keyword |"))!;
    const listed = keywordRow.split("`")[1]!.split(" ");
    for (const token of keywordTokens) expect(listed).toContain(String(token.LABEL).replaceAll("'", ""));
  });

  it("docs/grammar.html has the current railroad diagrams", () => {
    const html = read("docs/grammar.html");
    expect(html, regenerate).toBe(diagramsHtml());
    for (const name of ruleNames) expect(html).toContain(`"name": "${name}"`);
  });
});
