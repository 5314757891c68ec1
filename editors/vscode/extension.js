// The VS Code client: starts `netc lsp --stdio` (configurable) for .net files and lets
// vscode-languageclient map the protocol to the editor; adds the model graph view.
const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");
const { registerGraphView } = require("./graph-view.js");

const { workspace } = vscode;

/** @type {LanguageClient | undefined} */
let client;

function activate(context) {
  const config = workspace.getConfiguration("netc");
  const command = config.get("server.command", "netc");
  const args = config.get("server.args", ["lsp", "--stdio"]);
  // No `transport` field: the client then talks over stdio without appending its own --stdio.
  const server = { command, args, options: { env: process.env } };
  client = new LanguageClient(
    "netc",
    "netc",
    { run: server, debug: server },
    {
      documentSelector: [
        { scheme: "file", language: "netc" },
        { scheme: "untitled", language: "netc" },
      ],
      outputChannelName: "netc",
      initializationOptions: { checkTimeoutMs: config.get("checkTimeoutMs", 5000) },
    },
  );
  context.subscriptions.push({ dispose: () => client && client.stop() });
  registerGraphView(context, client, vscode);
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
