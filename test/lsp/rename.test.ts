// Rename refuses a new name that would change what any name refers to: a collision with a
// label, input, parameter or block in scope, or a use the new name would capture.
import { describe, expect, it } from "vitest";
import { analyze } from "../../src/lsp/analysis.ts";
import { rename } from "../../src/lsp/navigation.ts";

const text = `block pair(filters, width = 2) {
  conv(filters * width, 3x3, pad = 1)
  relu
}

model Net(base = 8) {
  input image: [16, 16, 3]
  pair(base) -> a
  pair(base) -> b
  add(a)
}
`;
const a = analyze(text, 1);
const at = (needle: string, delta = 0) => text.indexOf(needle) + delta;
const renameTo = (offset: number, name: string) => rename(a, "file:///x.net", offset, name);

describe("rename", () => {
  it("renames when the new name is free", () => {
    const result = renameTo(at("-> a", 3), "first");
    expect(result && "edit" in result && result.edit.changes!["file:///x.net"]!.length).toBe(2);
  });

  it.each([
    ["a label to another label", at("-> b", 3), "a", /label 'a' on line 8/],
    ["a label to the input", at("-> a", 3), "image", /input 'image' on line 7/],
    ["the input to a label", at("image"), "b", /label 'b' on line 9/],
    ["a block parameter to another parameter", at("filters"), "width", /parameter 'width' on line 1/],
    ["a model parameter to a label that uses would capture", at("base ="), "a", /already taken/],
  ])("refuses renaming %s", (_, offset, name, message) => {
    const result = renameTo(offset, name);
    expect(result).toMatchObject({ error: expect.stringMatching(message) });
  });

  it("allows a name used only in another scope", () => {
    // `filters` lives in the block; the model may take the name.
    const result = renameTo(at("base ="), "filters");
    expect(result && "edit" in result).toBe(true);
  });
});
