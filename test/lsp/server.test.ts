// The server as an editor drives it, over stdio JSON-RPC: open, diagnostics, quick fix, hover,
// inlay hints, completion, formatting, versioned diagnostics while typing, navigation, close,
// shutdown and exit.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { initialize, LspClient } from "./lsp-client.ts";
import { find, positionAt, rangeIn, rangeOf } from "./text-position.ts";

const uri = "file:///work/lenet5.net";

// LeNet-5 of LANGUAGE.md section 10 without its flatten: dense gets a rank-3 input.
const broken = `model LeNet5 {
  input digit: [28, 28, 1]
  conv(6, 5x5, pad = 2)
  tanh
  avgpool(2x2)
  conv(16, 5x5)
  tanh
  avgpool(2x2)
  dense(120)
  tanh
  dense(84)
  tanh
  dense(10)
  softmax -> probs
  output probs
}

train LeNet5 {
  loss: cross_entropy
  optimizer: adam(lr = 0.001)
  decay: cosine(t_max = 10)
  batch: 64
  epochs: 10
  metrics: [accuracy, macro_f1]
}
`;

let client: LspClient;
let text = broken;
let version = 1;

/** Applies LSP text edits to the local copy, last first so earlier offsets stay valid. */
function apply(source: string, edits: { range: { start: any; end: any }; newText: string }[]): string {
  const offset = (p: { line: number; character: number }) =>
    source
      .split("\n")
      .slice(0, p.line)
      .reduce((n, line) => n + line.length + 1, 0) + p.character;
  const sorted = [...edits].sort((a, b) => offset(b.range.start) - offset(a.range.start));
  let out = source;
  for (const e of sorted) out = out.slice(0, offset(e.range.start)) + e.newText + out.slice(offset(e.range.end));
  return out;
}

function change(edits: { range: { start: any; end: any }; newText: string }[]): void {
  text = apply(text, edits);
  version++;
  client.notify("textDocument/didChange", {
    textDocument: { uri, version },
    contentChanges: edits.map((e) => ({ range: e.range, text: e.newText })),
  });
}

const diagnosticsFor = (v: number) =>
  client.waitFor("textDocument/publishDiagnostics", (p) => p.uri === uri && p.version === v);
const at = (position: { line: number; character: number }) => ({ textDocument: { uri }, position });

beforeAll(async () => {
  client = LspClient.start();
});

afterAll(() => {
  if (client.alive) client.kill();
});

describe("an editing session", () => {
  it("initializes with the features it serves", async () => {
    const result = await initialize(client);
    expect(result.serverInfo.name).toBe("netc");
    expect(result.capabilities).toMatchObject({
      textDocumentSync: 2,
      hoverProvider: true,
      inlayHintProvider: true,
      definitionProvider: true,
      referencesProvider: true,
      documentHighlightProvider: true,
      renameProvider: { prepareProvider: true },
      documentSymbolProvider: true,
      documentFormattingProvider: true,
      codeActionProvider: { codeActionKinds: ["quickfix"] },
    });
    expect(result.capabilities.completionProvider.triggerCharacters).toContain("(");
  });

  it("publishes the checker's diagnostic with its exact range on open", async () => {
    client.notify("textDocument/didOpen", { textDocument: { uri, languageId: "netc", version, text } });
    const published = await diagnosticsFor(1);
    expect(published.diagnostics).toEqual([
      {
        range: rangeOf(text, "dense(120)"),
        severity: 1,
        code: "NET3001",
        source: "netc",
        message: "dense expects a rank-1 input, got [5, 5, 16]; insert flatten() or globalavgpool() before it",
      },
    ]);
  });

  it("offers the diagnostic's fixes as quick fixes, and applying one clears the error", async () => {
    const actions = await client.request("textDocument/codeAction", {
      textDocument: { uri },
      range: { start: find(text, "dense(120)", 2), end: find(text, "dense(120)", 2) },
      context: { diagnostics: [] },
    });
    expect(actions.map((a: any) => a.title)).toEqual(["insert flatten()", "insert globalavgpool()"]);
    expect(actions[0].kind).toBe("quickfix");
    expect(actions[0].diagnostics[0].code).toBe("NET3001");
    change(actions[0].edit.changes[uri]);
    expect(text).toContain("  flatten() dense(120)\n");
    expect((await diagnosticsFor(2)).diagnostics).toEqual([]);
  });

  it("hovers a model with its totals (LANGUAGE.md: 61,706 params, 416,520 MACs)", async () => {
    const h = await client.request("textDocument/hover", at(find(text, "LeNet5", 2)));
    expect(h.contents.kind).toBe("markdown");
    expect(h.contents.value).toContain("**61,706** (61,706 trainable, 0 non-trainable)");
    expect(h.contents.value).toContain("**416,520**");
    expect(h.contents.value).toContain("`28×28×1` → `10`");
    expect(h.range).toEqual(rangeOf(text, "LeNet5"));
  });

  it("hovers a layer with its output shape, params and MACs", async () => {
    const h = await client.request("textDocument/hover", at(find(text, "conv(6", 1)));
    // 6·(5·5·1 + 1) = 156 params; 28·28·6·(5·5·1) = 117,600 MACs
    expect(h.contents.value).toContain("output `28×28×6` · params **156** · MACs **117,600** · layer `conv_0`");
    const dense = await client.request("textDocument/hover", at(find(text, "dense(84)", 1)));
    // 120·84 + 84 = 10,164 params; 120·84 = 10,080 MACs
    expect(dense.contents.value).toContain("output `84` · params **10,164** · MACs **10,080**");
    const label = await client.request("textDocument/hover", at(find(text, "output probs", 8)));
    expect(label.contents.value).toContain("shape `10`");
  });

  it("shows each statement's output shape as an inlay hint at its end", async () => {
    const hints = await client.request("textDocument/inlayHint", {
      textDocument: { uri },
      range: { start: { line: 0, character: 0 }, end: positionAt(text, text.length) },
    });
    const byLine = new Map(hints.map((h: any) => [h.position.line, h.label]));
    expect(byLine.get(2)).toBe("28×28×6");
    expect(byLine.get(4)).toBe("14×14×6");
    expect(byLine.get(5)).toBe("10×10×16");
    expect(byLine.get(7)).toBe("5×5×16");
    expect(hints.find((h: any) => h.position.line === 2).position).toEqual(find(text, "conv(6, 5x5, pad = 2)", 21));
    expect(byLine.get(12)).toBe("10");
  });

  it("completes op names and train values", async () => {
    const ops = await client.request("textDocument/completion", at({ line: 3, character: 2 }));
    const items = Array.isArray(ops) ? ops : ops.items;
    expect(items.find((i: any) => i.label === "separable").insertText).toBe("separable(${1:filters}, ${2:kernel})");
    const losses = await client.request("textDocument/completion", at(find(text, "loss: ", 6)));
    expect((Array.isArray(losses) ? losses : losses.items).map((i: any) => i.label)).toContain("binary_cross_entropy");
  });

  it("formats the document with the Prettier plugin", async () => {
    const edits = await client.request("textDocument/formatting", {
      textDocument: { uri },
      options: { tabSize: 2, insertSpaces: true },
    });
    expect(edits).toHaveLength(1);
    const formatted = apply(text, edits);
    expect(formatted).toContain("  flatten()\n  dense(120)\n");
    change(edits);
    expect((await diagnosticsFor(3)).diagnostics).toEqual([]);
    const again = await client.request("textDocument/formatting", {
      textDocument: { uri },
      options: { tabSize: 2, insertSpaces: true },
    });
    expect(again).toEqual([]);
  });

  it("publishes diagnostics for the newest version only while typing", async () => {
    const seenBefore = client.notifications.length;
    // Three edits in a burst: dense(10) → dense(0) → dense(1O) → dense(12).
    const d = rangeIn(text, "dense(10)", "10");
    client.burst(() => {
      change([{ range: d, newText: "0" }]);
      change([
        { range: { start: d.start, end: { line: d.start.line, character: d.start.character + 1 } }, newText: "1O" },
      ]);
      change([
        { range: { start: d.start, end: { line: d.start.line, character: d.start.character + 2 } }, newText: "12" },
      ]);
    });
    expect(text).toContain("  dense(12)\n");
    const latest = await diagnosticsFor(6);
    await new Promise((resolve) => setTimeout(resolve, 400));
    const published = client.notifications
      .slice(seenBefore)
      .filter((n) => n.method === "textDocument/publishDiagnostics");
    expect(published.map((n) => n.params.version)).toEqual([6]);
    // dense(12) then softmax: the output is 12 classes; the model still checks.
    expect(latest.diagnostics).toEqual([]);
    const h = await client.request("textDocument/hover", at(find(text, "output probs", 8)));
    expect(h.contents.value).toContain("shape `12`");
  });

  it("navigates from a label use to its declaration, finds and renames it", async () => {
    const def = await client.request("textDocument/definition", at(find(text, "output probs", 8)));
    expect(def).toEqual({ uri, range: rangeOf(text, "probs") });
    const refs = await client.request("textDocument/references", {
      ...at(find(text, "-> probs", 4)),
      context: { includeDeclaration: true },
    });
    expect(refs).toHaveLength(2);
    const edit = await client.request("textDocument/rename", { ...at(find(text, "-> probs", 4)), newName: "p" });
    expect(apply(text, edit.changes[uri])).toContain("softmax -> p\n  output p\n");
  });

  it("survives a malformed request, logging the error and answering with an empty result", async () => {
    expect(await client.request("textDocument/hover", { textDocument: { uri } })).toBeNull();
    const log = await client.waitFor("window/logMessage", (p) => /hover failed/.test(p.message));
    expect(log.type).toBe(1);
    expect(
      await client.request("textDocument/hover", {
        textDocument: { uri: "file:///not-open.net" },
        position: { line: 0, character: 0 },
      }),
    ).toBeNull();
    const h = await client.request("textDocument/hover", at(find(text, "LeNet5", 2)));
    expect(h.contents.value).toContain("model LeNet5");
  });

  it("clears diagnostics on close, then shuts down and exits with code 0", async () => {
    change([{ range: rangeOf(text, "dense(12)"), newText: "dense(x)" }]);
    expect((await diagnosticsFor(version)).diagnostics.map((d: any) => d.code)).toEqual(["NET2003"]);
    client.notify("textDocument/didClose", { textDocument: { uri } });
    await client.waitFor(
      "textDocument/publishDiagnostics",
      (p) => p.uri === uri && p.diagnostics.length === 0 && p.version === undefined,
    );
    expect(await client.stop()).toBe(0);
  });
});
