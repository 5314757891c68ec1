// Inputs that defeat the checker or the parser cost a worker, never the server: it answers
// with syntax diagnostics in bounded time, logs why, and recovers on the next version.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { initialize, LspClient } from "./lsp-client.ts";

const TIMEOUT_MS = 1_000;
// The checker bounds expansion itself (NET3008); a tiny limit makes an ordinary big check time out.
const TINY_TIMEOUT_MS = 20;
let client: LspClient;

beforeAll(async () => {
  client = LspClient.start();
  await initialize(client, { checkTimeoutMs: TIMEOUT_MS });
});

afterAll(async () => {
  if (client.alive) expect(await client.stop()).toBe(0);
});

const open = (uri: string, text: string) =>
  client.notify("textDocument/didOpen", { textDocument: { uri, languageId: "netc", version: 1, text } });
const diagnosticsOf = (uri: string, version: number) =>
  client.waitFor("textDocument/publishDiagnostics", (p) => p.uri === uri && p.version === version, 20_000);

describe("resource limits", () => {
  it("gives up a check that runs too long, keeping the syntax diagnostics, then recovers", async () => {
    const uri = "file:///limits/huge.net";
    // Fifty thousand layers take the checker about 250 ms: far beyond the tiny limit.
    const text = "model M {\n  input x: [4]\n  repeat 50000 { relu }\n  dense(2\n}\n";
    const impatient = LspClient.start();
    await initialize(impatient, { checkTimeoutMs: TINY_TIMEOUT_MS });
    const started = Date.now();
    impatient.notify("textDocument/didOpen", { textDocument: { uri, languageId: "netc", version: 1, text } });
    const timedOut = await impatient.waitFor(
      "textDocument/publishDiagnostics", (p) => p.uri === uri && p.version === 1, 20_000);
    expect(Date.now() - started).toBeLessThan(TINY_TIMEOUT_MS + 8_000);
    expect(timedOut.diagnostics.map((d: any) => d.code)).toEqual(["NET1010"]);
    const log = await impatient.waitFor("window/logMessage", (p) => p.message.includes(`longer than ${TINY_TIMEOUT_MS} ms`));
    expect(log.type).toBe(1);
    expect(await impatient.stop()).toBe(0);

    // With the normal limit the checker's own budget reports the absurd repeat instead.
    const hundredMillion = "model M {\n  input x: [4]\n  repeat 100000000 { relu }\n  dense(2\n}\n";
    open(uri, hundredMillion);
    const published = await diagnosticsOf(uri, 1);
    expect(published.diagnostics.map((d: any) => d.code)).toEqual(["NET3008", "NET1010"]);

    // Navigation still works on the parse-level analysis.
    const symbols = await client.request("textDocument/documentSymbol", { textDocument: { uri } });
    expect(symbols.map((s: any) => s.name)).toEqual(["M"]);

    const fixed = "model M {\n  input x: [4]\n  repeat 3 { relu }\n  dense(2)\n}\n";
    client.notify("textDocument/didChange", { textDocument: { uri, version: 2 }, contentChanges: [{ text: fixed }] });
    expect((await diagnosticsOf(uri, 2)).diagnostics).toEqual([]);
    const hover = await client.request("textDocument/hover", {
      textDocument: { uri },
      position: { line: 3, character: 3 },
    });
    expect(hover.contents.value, hover.contents.value).toContain("params **10**");
  });

  it("reports nesting deeper than the limit as NET1016, whatever the depth", async () => {
    for (const [depth, version] of [[200, 1], [20_000, 2]] as const) {
      const uri = `file:///limits/deep-${depth}.net`;
      client.notify("textDocument/didOpen", {
        textDocument: { uri, languageId: "netc", version, text: `model M {\n  input x: [4]\n  dense(${"(".repeat(depth)}1${")".repeat(depth)})\n}\n` },
      });
      const published = await diagnosticsOf(uri, version);
      expect(published.diagnostics.map((d: any) => d.code)).toEqual(["NET1016"]);
      expect(published.diagnostics[0].range.start).toEqual({ line: 2, character: 38 });
    }
    expect(client.alive).toBe(true);
    const completion = await client.request("textDocument/completion", {
      textDocument: { uri: "file:///limits/deep-200.net" },
      position: { line: 2, character: 2 },
    });
    expect(completion).toBeDefined();
  });
});

describe("the end of the session", () => {
  it("exits 0 when stdin closes after shutdown, 1 when it closes without one", async () => {
    const polite = LspClient.start();
    await initialize(polite, {});
    await polite.request("shutdown", null);
    expect(await polite.closeInput()).toBe(0);
    const abrupt = LspClient.start();
    await initialize(abrupt, {});
    expect(await abrupt.closeInput()).toBe(1);
  });
});
