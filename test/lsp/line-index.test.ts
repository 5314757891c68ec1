// Offsets ↔ positions in UTF-16 code units, checked against the reference implementation
// (vscode-languageserver-textdocument) on random texts with CRLF, CR, emoji and accents.
import fc from "fast-check";
import { TextDocument } from "vscode-languageserver-textdocument";
import { describe, expect, it } from "vitest";
import { LineIndex } from "../../src/lsp/line-index.ts";

const pieces = ["a", "conv(6)", " ", "\n", "\r\n", "\r", "😀", "é", "\t", "x"];
const textArb = fc.array(fc.constantFrom(...pieces), { maxLength: 40 }).map((p) => p.join(""));

describe("LineIndex", () => {
  it("agrees with TextDocument on every offset and position", () => {
    fc.assert(
      fc.property(textArb, (text) => {
        const doc = TextDocument.create("file:///t.net", "netc", 1, text);
        const lines = new LineIndex(text);
        expect(lines.lineCount).toBe(doc.lineCount);
        for (let offset = 0; offset <= text.length; offset++) {
          // TextDocument moves an offset inside a \r\n to the line end; spans never point there.
          if (text[offset - 1] === "\r" && text[offset] === "\n") continue;
          const position = lines.positionAt(offset);
          expect(position).toEqual(doc.positionAt(offset));
          expect(lines.offsetAt(position)).toBe(offset);
        }
      }),
      { numRuns: 300, seed: 42 },
    );
  });

  it("counts an emoji as two UTF-16 units and clamps positions past a line's end", () => {
    const lines = new LineIndex("// 😀\r\nconv(6)\n");
    expect(lines.positionAt(8)).toEqual({ line: 1, character: 1 });
    expect(lines.offsetAt({ line: 0, character: 99 })).toBe(5);
    expect(lines.offsetAt({ line: 9, character: 0 })).toBe(15);
    expect(lines.range({ start: 7, end: 14 })).toEqual({
      start: { line: 1, character: 0 },
      end: { line: 1, character: 7 },
    });
  });
});
