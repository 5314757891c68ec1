// The VS Code extension is consistent with the grammar and the CLI, and its client starts the
// server with the configured command.
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { Command } from "commander";
import { describe, expect, it } from "vitest";
import { registerLsp } from "../../src/cli/lsp.ts";
import { repoRoot } from "./lsp-client.ts";

const extensionDir = join(repoRoot, "editors/vscode");
const manifest = JSON.parse(readFileSync(join(extensionDir, "package.json"), "utf8"));
const grammar = JSON.parse(readFileSync(join(repoRoot, "grammar/netc.tmLanguage.json"), "utf8"));
const graphView = createRequire(import.meta.url)(join(extensionDir, "graph-view.js"));

/** The parts of the vscode API the extension touches, recording what it registers. */
function fakeVscode(registered: Map<string, () => Promise<void>>, panels: any[], editor?: unknown) {
  return {
    workspace: {
      getConfiguration: (section: string) => ({
        get: (key: string, fallback: unknown) =>
          section === "netc" && key === "server.command" ? "/opt/netc/bin/netc" : fallback,
      }),
      onDidChangeTextDocument: () => ({ dispose() {} }),
    },
    window: {
      activeTextEditor: editor,
      onDidChangeTextEditorSelection: () => ({ dispose() {} }),
      createWebviewPanel: (_id: string, title: string) => {
        const panel = { title, webview: { html: "" }, onDidDispose() {}, reveal() {} };
        panels.push(panel);
        return panel;
      },
    },
    commands: {
      registerCommand: (id: string, run: () => Promise<void>) => {
        registered.set(id, run);
        return { dispose() {} };
      },
    },
    ViewColumn: { Beside: -2 },
  };
}

describe("the VS Code extension", () => {
  it("contributes the netc language for .net files with the parser's grammar", () => {
    const [language] = manifest.contributes.languages;
    expect(language).toMatchObject({ id: "netc", extensions: [".net"] });
    expect(existsSync(join(extensionDir, language.configuration))).toBe(true);
    const [contributed] = manifest.contributes.grammars;
    expect(contributed).toMatchObject({
      language: "netc",
      scopeName: grammar.scopeName,
      path: "./syntaxes/netc.tmLanguage.json",
    });
    // copy-grammar.js fills syntaxes/ from grammar/ at install and package time.
    expect(readFileSync(join(extensionDir, "copy-grammar.js"), "utf8")).toContain('"grammar", "netc.tmLanguage.json"');
    expect(existsSync(join(extensionDir, manifest.main))).toBe(true);
  });

  it("has a word pattern that keeps names, kernels and numbers whole", () => {
    const config = JSON.parse(readFileSync(join(extensionDir, "language-configuration.json"), "utf8"));
    const word = new RegExp(`^(?:${config.wordPattern})$`);
    for (const w of ["conv_transpose", "5x5", "1e-3", ".25", "make_divisible"]) expect(w).toMatch(word);
    expect(config.comments).toEqual({ lineComment: "//", blockComment: ["/*", "*/"] });
  });

  it("starts the server with a command the CLI has", () => {
    const program = new Command("netc");
    registerLsp(program);
    const args: string[] = manifest.contributes.configuration.properties["netc.server.args"].default;
    const command = program.commands.find((c) => c.name() === args[0])!;
    expect(command).toBeDefined();
    expect(command.options.map((o) => o.long)).toEqual(args.slice(1));
  });

  it("creates a language client for netc documents from the settings", async () => {
    const created: any[] = [];
    const registered = new Map<string, () => Promise<void>>();
    class FakeClient {
      constructor(...args: unknown[]) {
        created.push(args);
      }
      start() {
        return Promise.resolve("started");
      }
      stop() {
        return Promise.resolve();
      }
    }
    const modules: Record<string, unknown> = {
      vscode: fakeVscode(registered, []),
      "vscode-languageclient/node": { LanguageClient: FakeClient },
      "./graph-view.js": graphView,
    };
    const module = { exports: {} as any };
    const source = readFileSync(join(extensionDir, "extension.js"), "utf8");
    new Function("module", "exports", "require", "process", source)(
      module,
      module.exports,
      (m: string) => modules[m],
      process,
    );
    const context = { subscriptions: [] as unknown[] };
    expect(await module.exports.activate(context)).toBe("started");
    const [id, name, server, client] = created[0];
    expect([id, name]).toEqual(["netc", "netc"]);
    expect(server.run).toMatchObject({ command: "/opt/netc/bin/netc", args: ["lsp", "--stdio"] });
    expect(server.run.transport).toBeUndefined();
    expect(client.documentSelector).toContainEqual({ scheme: "file", language: "netc" });
    expect(client.initializationOptions).toEqual({ checkTimeoutMs: 5000 });
    // The client, the two graph commands and the two redraw listeners.
    expect(context.subscriptions).toHaveLength(5);
    const contributed = manifest.contributes.commands.map((c: { command: string }) => c.command);
    expect([...registered.keys()]).toEqual(contributed);
    // vscode-languageclient registers the server's own command id; the extension must not clash.
    expect(contributed).not.toContain("netc.showGraph");
  });

  it("shows the server's SVG of the model under the cursor in a webview", async () => {
    const registered = new Map<string, () => Promise<void>>();
    const panels: any[] = [];
    const requests: any[] = [];
    const editor = {
      document: { languageId: "netc", uri: { toString: () => "file:///m.net" } },
      selection: { active: { line: 3, character: 4 } },
    };
    const client = {
      sendRequest: async (method: string, params: unknown) => {
        requests.push([method, params]);
        return { model: "LeNet5", svg: '<svg xmlns="http://www.w3.org/2000/svg"><text>conv_0</text></svg>' };
      },
    };
    graphView.registerGraphView({ subscriptions: [] }, client, fakeVscode(registered, panels, editor));
    await registered.get("netc.showGraphViewExpanded")!();
    expect(requests).toEqual([
      ["workspace/executeCommand", { command: "netc.showGraph", arguments: ["file:///m.net", { line: 3, character: 4 }, { expand: true }] }],
    ]);
    expect(panels).toHaveLength(1);
    expect(panels[0].title).toBe("Graph: LeNet5");
    expect(panels[0].webview.html).toContain("<text>conv_0</text>");
    expect(panels[0].webview.html).toContain("default-src 'none'");
    expect(graphView.graphPage({ error: "model M has 1 error; <fix> it" })).toContain("model M has 1 error; &#60;fix&#62; it");
  });
});
