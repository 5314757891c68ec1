// Diagnostics while typing, over stdio: edits in bursts and after pauses. Every published
// diagnostics belongs to the text of the version it names, versions only go forward, and the
// final text always gets its diagnostics.
import { afterAll, beforeAll, expect, it } from "vitest";
import { setTimeout as sleep } from "node:timers/promises";
import { analyze } from "../../src/lsp/analysis.ts";
import { initialize, LspClient } from "./lsp-client.ts";

const uri = "file:///typing/long.net";
const opLine = 2;
/** 1,000 lines: an analysis takes ~20 ms, far longer than the server takes to read a burst. */
const original = [
  "model Long {",
  "  input x: [32, 32, 3]",
  "  relu",
  ...Array.from({ length: 332 }, () => ["  conv(8, 3x3, pad = same)", "  batchnorm", "  relu"]).flat(),
  "  flatten",
  "  dense(10)",
  "}",
  "",
].join("\n");
/** Version v calls `relu<v>`, which the checker names in its error: a diagnostic says which
 * text it was computed from. */
const textOf = (version: number) => original.replace("\n  relu\n", `\n  relu${version}\n`);

let client: LspClient;
beforeAll(async () => {
  client = LspClient.start();
  await initialize(client);
});
afterAll(async () => {
  if (client.alive) expect(await client.stop()).toBe(0);
});

it("publishes only each version's own diagnostics, in order, and always the last one", async () => {
  client.notify("textDocument/didOpen", { textDocument: { uri, languageId: "netc", version: 1, text: original } });
  await client.waitFor("textDocument/publishDiagnostics", (p) => p.uri === uri && p.version === 1, 20_000);
  const seenBefore = client.notifications.length;

  const lastVersion = 41;
  for (let version = 2; version <= lastVersion; version++) {
    const previous = version === 2 ? "relu" : `relu${version - 1}`;
    const range = { start: { line: opLine, character: 2 }, end: { line: opLine, character: 2 + previous.length } };
    client.notify("textDocument/didChange", {
      textDocument: { uri, version },
      contentChanges: [{ range, text: `relu${version}` }],
    });
    // Bursts of four keystrokes sent at once, each followed by a pause longer than an analysis.
    if (version % 4 === 0) await sleep(100);
  }
  await client.waitFor("textDocument/publishDiagnostics", (p) => p.uri === uri && p.version === lastVersion, 20_000);
  await sleep(200);

  const published = client.notifications
    .slice(seenBefore)
    .filter((n) => n.method === "textDocument/publishDiagnostics" && n.params.uri === uri)
    .map((n) => n.params);
  const versions = published.map((p) => p.version as number);
  expect(versions.at(-1)).toBe(lastVersion);
  for (let i = 1; i < versions.length; i++) expect(versions[i]).toBeGreaterThan(versions[i - 1]!);
  // The server reads a burst before the analysis of its first edit ends: that result is out of
  // date when it comes and is dropped, and only the last edit of each burst is published.
  expect(versions, versions.join()).toEqual(versions.filter((v) => v % 4 === 0 || v === lastVersion));
  // Each pause lets its burst's diagnostics through without waiting for the end.
  expect(versions.length, versions.join()).toBeGreaterThan(3);
  for (const p of published) {
    const expected = analyze(textOf(p.version), p.version).diagnostics.map((d) => d.message);
    expect(expected).toContainEqual(expect.stringContaining(`'relu${p.version}'`));
    expect(p.diagnostics.map((d: any) => d.message)).toEqual(expected);
  }
});
