// Go to definition from dense's `tie = "wte"` to the embedding layer it names.
import { describe, expect, it } from "vitest";
import { analyze } from "../../src/lsp/analysis.ts";
import { definition } from "../../src/lsp/navigation.ts";

describe("go to definition on tie", () => {
  it('jumps from tie = "wte" to the embedding\'s name = "wte"', () => {
    const text = 'model G {\n  input ids: [8] int\n  embedding(27, 16, name = "wte")\n  dense(27, tie = "wte")\n}\n';
    const a = analyze(text, 1);
    const target = definition(a, "file:///g.net", text.lastIndexOf('"wte"') + 2);
    expect(target?.range).toEqual(a.lines.range({ start: text.indexOf('"wte"'), end: text.indexOf('"wte"') + 5 }));
    expect(definition(a, "file:///g.net", text.indexOf("dense") + 1)).toBeNull();
  });
});
