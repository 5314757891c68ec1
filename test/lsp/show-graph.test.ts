// `workspace/executeCommand` netc.showGraph over stdio, as the VS Code extension calls it: the
// SVG of the model under the cursor, expanded on request, and a message for a model with errors.
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { initialize, LspClient } from "./lsp-client.ts";
import { positionAt } from "./text-position.ts";
import { count, texts } from "../viz/svg-parse.ts";

const uri = "file:///work/table3.net";
const text = readFileSync("examples/mobilenet_table3.net", "utf8");
const brokenUri = "file:///work/broken.net";
const broken = "model Broken {\n  input x: [8]\n  dense(4)\n  from missing\n}\n";

let client: LspClient;
const showGraph = (...args: unknown[]) => client.request("workspace/executeCommand", { command: "netc.showGraph", arguments: args });

beforeAll(async () => {
  client = LspClient.start();
  const result = await initialize(client);
  expect(result.capabilities.executeCommandProvider).toEqual({ commands: ["netc.showGraph"] });
  client.notify("textDocument/didOpen", { textDocument: { uri, languageId: "netc", version: 1, text } });
  client.notify("textDocument/didOpen", { textDocument: { uri: brokenUri, languageId: "netc", version: 1, text: broken } });
});

afterAll(() => {
  if (client.alive) client.kill();
});

describe("netc.showGraph", () => {
  it("draws the model whose body holds the cursor", async () => {
    const inSecond = positionAt(text, text.indexOf("pointwise(512"));
    const result = await showGraph(uri, inSecond);
    expect(result.model).toBe("DepthwiseSeparable");
    expect(result.svg.startsWith("<svg")).toBe(true);
    expect(count(result.svg, /<g class="node"/g)).toBe(3);
    expect(texts(result.svg)).toEqual(expect.arrayContaining(["features", "depthwise_0", "pointwise_0"]));

    const first = await showGraph(uri, positionAt(text, text.indexOf("conv(512")), { expand: true });
    expect(first.model).toBe("FullConv");
    expect(count(first.svg, /<g class="node"/g)).toBe(2);
  });

  it("answers a model with errors with a message instead of a picture", async () => {
    const result = await showGraph(brokenUri, { line: 2, character: 3 });
    expect(result).toEqual({ error: "model Broken has 1 error; fix it to see its graph" });
  });

  it("rejects calls without a document", async () => {
    await expect(showGraph()).rejects.toThrow(/expects \[uri, position\]/);
  });
});
