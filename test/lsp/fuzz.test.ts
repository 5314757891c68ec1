// Random edits of the example programs: every feature answers without throwing (in process),
// and the real server, fed the same edits as incremental didChange, stays alive, keeps
// answering, and ends with exactly the diagnostics of the final text.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { analyze } from "../../src/lsp/analysis.ts";
import { codeActions } from "../../src/lsp/code-actions.ts";
import { completions } from "../../src/lsp/completion.ts";
import { documentSymbols } from "../../src/lsp/document-symbols.ts";
import { hover } from "../../src/lsp/hover.ts";
import { inlayHints } from "../../src/lsp/inlay-hints.ts";
import { definition, prepareRename, references, rename } from "../../src/lsp/navigation.ts";
import { signatureHelp } from "../../src/lsp/signature-help.ts";
import { initialize, LspClient, repoRoot } from "./lsp-client.ts";
import { positionAt } from "./text-position.ts";

const examplesDir = join(repoRoot, "examples");
const examples = readdirSync(examplesDir)
  .filter((f) => f.endsWith(".net"))
  .sort()
  .map((f) => readFileSync(join(examplesDir, f), "utf8"));

/** Fragments that stress recovery: unbalanced brackets, keywords, operators, odd characters. */
const fragments = [
  "(",
  ")",
  "[",
  "]",
  "{",
  "}",
  ",",
  ":",
  "=",
  "->",
  "-> x",
  " ",
  "\n",
  "//",
  "/*",
  "*/",
  '"',
  "conv(",
  "dense(10)",
  "repeat 3 {",
  "parallel add {",
  "from ",
  "model M {",
  "train M {",
  "input x: [",
  "x",
  "1e999",
  "0x",
  "é",
  "😀",
  "\t",
  "add(",
  "crop(to = ",
  "block b(f) {",
  "if a > 1 {",
  "else",
  "output ",
  "scaling compound(",
  "-",
  "**",
  "%",
];

interface Edit {
  readonly at: number;
  readonly remove: number;
  readonly insert: string;
}

const editArb = fc.record({
  at: fc.double({ min: 0, max: 1, noNaN: true }),
  remove: fc.nat({ max: 12 }),
  insert: fc.oneof(fc.constantFrom(...fragments), fc.string({ maxLength: 4 })),
});

function applyEdit(text: string, e: { at: number; remove: number; insert: string }): { text: string; edit: Edit } {
  const at = Math.floor(e.at * text.length);
  // Never split a surrogate pair: positions are UTF-16, but editors edit whole characters.
  const start = isLowSurrogate(text, at) ? at - 1 : at;
  let end = Math.min(text.length, start + e.remove);
  if (isLowSurrogate(text, end)) end++;
  return {
    text: text.slice(0, start) + e.insert + text.slice(end),
    edit: { at: start, remove: end - start, insert: e.insert },
  };
}

function isLowSurrogate(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  return c >= 0xdc00 && c <= 0xdfff;
}

function everyFeature(text: string, offsets: number[]): void {
  const a = analyze(text, 1);
  // The parser and checker never throw on user input either (RULES.md).
  if (a.failure !== undefined) throw new Error(a.failure);
  const uri = "file:///fuzz.net";
  documentSymbols(a);
  inlayHints(a, { start: { line: 0, character: 0 }, end: a.lines.positionAt(text.length) });
  for (const o of offsets) {
    const offset = Math.floor(o * (text.length + 1));
    const pos = a.lines.positionAt(offset);
    hover(a, offset);
    completions(a, offset, { snippets: true });
    signatureHelp(a, offset);
    definition(a, uri, offset);
    references(a, uri, offset, true);
    prepareRename(a, offset);
    rename(a, uri, offset, "renamed");
    codeActions(a, uri, { start: pos, end: pos });
  }
}

describe("fuzzing the features in process", () => {
  it("never throws on random edits of the examples", () => {
    expect(examples.length).toBeGreaterThan(0);
    fc.assert(
      fc.property(
        fc.nat({ max: examples.length - 1 }),
        fc.array(editArb, { minLength: 1, maxLength: 6 }),
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 4 }),
        (which, edits, offsets) => {
          let text = examples[which]!;
          for (const e of edits) text = applyEdit(text, e).text;
          everyFeature(text, offsets);
        },
      ),
      { numRuns: 300, seed: 20261128 },
    );
  });
});

describe("fuzzing the server over stdio", () => {
  let client: LspClient;
  beforeAll(async () => {
    client = LspClient.start();
    await initialize(client);
  });
  afterAll(async () => {
    if (client.alive) expect(await client.stop()).toBe(0);
  });

  it("stays alive through random incremental edits and ends with the final text's diagnostics", async () => {
    const rng = fc.sample(fc.array(editArb, { minLength: 40, maxLength: 40 }), { numRuns: examples.length, seed: 7 });
    for (const [i, original] of examples.entries()) {
      const uri = `file:///fuzz/${i}.net`;
      let text = original;
      let version = 1;
      client.notify("textDocument/didOpen", { textDocument: { uri, languageId: "netc", version, text } });
      for (const [n, e] of rng[i]!.entries()) {
        const before = text;
        const applied = applyEdit(text, e);
        text = applied.text;
        version++;
        const range = {
          start: positionAt(before, applied.edit.at),
          end: positionAt(before, applied.edit.at + applied.edit.remove),
        };
        client.notify("textDocument/didChange", {
          textDocument: { uri, version },
          contentChanges: [{ range, text: applied.edit.insert }],
        });
        if (n % 8 === 0) {
          const position = positionAt(text, Math.floor(e.at * text.length));
          await client.request("textDocument/hover", { textDocument: { uri }, position });
          await client.request("textDocument/completion", { textDocument: { uri }, position });
        }
      }
      const final = await client.waitFor(
        "textDocument/publishDiagnostics",
        (p) => p.uri === uri && p.version === version,
      );
      const expected = analyze(text, version).diagnostics.map((d) => ({ code: d.code, message: d.message }));
      expect(final.diagnostics.map((d: any) => ({ code: d.code, message: d.message }))).toEqual(expected);
      client.notify("textDocument/didClose", { textDocument: { uri } });
    }
    expect(client.alive).toBe(true);
    expect(client.notifications.filter((n) => n.method === "window/logMessage" && n.params.type === 1)).toEqual([]);
  });
});
