// Definitions, references, renames, outline and parse-level diagnostics over real JSON-RPC.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { initialize, LspClient } from "./lsp-client.ts";
import { find, rangeIn, rangeOf } from "./text-position.ts";

const uri = "file:///work/unet.net";
const text = `block double_conv(filters, k = 3) {
  conv(filters, k, pad = 1)
  relu
}

model Net(base = 16, depth_n = 2) {
  input image: [64, 64, 3]
  double_conv(base) -> skip
  maxpool(2x2)
  repeat depth_n as i {
    double_conv(filters = base * (i + 2), k = 3)
  }
  upsample(2)
  double_conv(base)
  concat(skip)
  conv(2, 1x1)
}

train Net {
  loss: cross_entropy
  optimizer: adam(lr = 0.001)
}
`;

let client: LspClient;

beforeAll(async () => {
  client = LspClient.start();
  await initialize(client);
  client.notify("textDocument/didOpen", { textDocument: { uri, languageId: "netc", version: 1, text } });
  await client.waitFor("textDocument/publishDiagnostics", (p) => p.uri === uri);
});

afterAll(async () => {
  expect(await client.stop()).toBe(0);
});

const at = (position: { line: number; character: number }) => ({ textDocument: { uri }, position });

describe("navigation", () => {
  it("goes from a block call to the block", async () => {
    const location = await client.request("textDocument/definition", at(find(text, "double_conv(base)", 3)));
    expect(location).toEqual({ uri, range: rangeOf(text, "double_conv") });
  });

  it("goes from a label use to its declaration and from a train section to its model", async () => {
    const label = await client.request("textDocument/definition", at(find(text, "concat(skip)", 8)));
    expect(label.range).toEqual(rangeOf(text, "skip"));
    const model = await client.request("textDocument/definition", at(find(text, "train Net", 7)));
    expect(model.range).toEqual(rangeOf(text, "Net"));
  });

  it("resolves parameters, loop variables and named arguments of block calls", async () => {
    const param = await client.request("textDocument/definition", at(find(text, "base * (i", 1)));
    expect(param.range).toEqual(rangeOf(text, "base"));
    const loop = await client.request("textDocument/definition", at(find(text, "(i + 2)", 1)));
    expect(loop.range).toEqual(rangeIn(text, "as i", "i"));
    const named = await client.request("textDocument/definition", at(find(text, "filters = base", 2)));
    expect(named.range).toEqual(rangeOf(text, "filters"));
  });

  it("finds every reference of a block, with or without the declaration", async () => {
    const all = await client.request("textDocument/references", {
      ...at(find(text, "double_conv", 2)),
      context: { includeDeclaration: true },
    });
    expect(all.map((l: any) => l.range)).toEqual([0, 1, 2, 3].map((n) => rangeOf(text, "double_conv", n)));
    const uses = await client.request("textDocument/references", {
      ...at(find(text, "double_conv", 2)),
      context: { includeDeclaration: false },
    });
    expect(uses).toHaveLength(3);
  });

  it("highlights a label's declaration as a write and its uses as reads", async () => {
    const marks = await client.request("textDocument/documentHighlight", at(find(text, "concat(skip)", 8)));
    expect(marks).toEqual([
      { range: rangeOf(text, "skip", 0), kind: 3 },
      { range: rangeOf(text, "skip", 1), kind: 2 },
    ]);
    expect(await client.request("textDocument/documentHighlight", at(find(text, "relu", 1)))).toEqual([]);
  });

  it("renames a label everywhere and refuses ops and bad names", async () => {
    const prepared = await client.request("textDocument/prepareRename", at(find(text, "-> skip", 4)));
    expect(prepared).toEqual({ range: rangeOf(text, "skip"), placeholder: "skip" });
    const edit = await client.request("textDocument/rename", { ...at(find(text, "concat(skip)", 8)), newName: "enc1" });
    expect(edit.changes[uri]).toEqual([
      { range: rangeOf(text, "skip", 0), newText: "enc1" },
      { range: rangeOf(text, "skip", 1), newText: "enc1" },
    ]);
    expect(await client.request("textDocument/prepareRename", at(find(text, "maxpool", 2)))).toBeNull();
    await expect(
      client.request("textDocument/rename", { ...at(find(text, "concat(skip)", 8)), newName: "repeat" }),
    ).rejects.toThrow(/keyword/);
    // A name another label or input already has in scope is an error response, not a broken file.
    await expect(
      client.request("textDocument/rename", { ...at(find(text, "concat(skip)", 8)), newName: "image" }),
    ).rejects.toThrow(/cannot rename 'skip' to 'image': the name is already taken in this scope \(input 'image' on line \d+\)/);
  });

  it("renames a block parameter at its uses and at named arguments of calls", async () => {
    const edit = await client.request("textDocument/rename", { ...at(find(text, "filters,", 0)), newName: "channels" });
    expect(edit.changes[uri].map((e: any) => e.range)).toEqual([0, 1, 2].map((n) => rangeOf(text, "filters", n)));
  });

  it("outlines models, blocks, labels and train sections", async () => {
    const symbols = await client.request("textDocument/documentSymbol", { textDocument: { uri } });
    expect(symbols.map((s: any) => s.name)).toEqual(["double_conv", "Net", "train Net"]);
    expect(symbols[1].children.map((s: any) => `${s.name}:${s.detail}`)).toEqual(["image:input", "skip:label"]);
    expect(symbols[2].children.map((s: any) => s.name)).toEqual(["loss", "optimizer"]);
  });
});
