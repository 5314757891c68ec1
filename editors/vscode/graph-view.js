// The model graph beside the editor: "netc: Show Model Graph" asks the server for the SVG of
// the model under the cursor (the `netc.showGraph` command, as `netc viz` draws it) and shows it
// in a webview, redrawn as the document changes or the cursor moves to another model.
// Takes the vscode API as an argument so it can be tested without an editor.

const SERVER_COMMAND = "netc.showGraph";
const REDRAW_DELAY_MS = 300;

function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The webview page: the SVG inline, no scripts, nothing loaded from outside. */
function page(title, body) {
  return `<!DOCTYPE html>
<html><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:;">
<title>${escapeHtml(title)}</title>
<style>body { background: #ffffff; color: #111111; margin: 0; padding: 8px; } p { font-family: sans-serif; }</style>
</head><body>${body}</body></html>`;
}

/** The page for a server answer: `{ model, svg }` or `{ error }`. */
function graphPage(result) {
  if (result && typeof result.svg === "string") return page(result.model, result.svg);
  const message = result && result.error ? result.error : "no graph";
  return page("netc graph", `<p>${escapeHtml(message)}</p>`);
}

function registerGraphView(context, client, vscode) {
  let panel;
  let expand = false;
  let timer;
  let shownUri;

  async function draw(editor) {
    if (!panel || !editor || editor.document.languageId !== "netc") return;
    const position = editor.selection.active;
    shownUri = editor.document.uri.toString();
    const result = await client.sendRequest("workspace/executeCommand", {
      command: SERVER_COMMAND,
      arguments: [shownUri, { line: position.line, character: position.character }, { expand }],
    });
    if (!panel) return;
    panel.title = result && result.model ? `Graph: ${result.model}` : "Graph";
    panel.webview.html = graphPage(result);
  }

  function redrawSoon(editor) {
    clearTimeout(timer);
    timer = setTimeout(() => void draw(editor).catch(() => undefined), REDRAW_DELAY_MS);
  }

  function show(expanded) {
    return async () => {
      expand = expanded;
      const editor = vscode.window.activeTextEditor;
      if (!panel) {
        panel = vscode.window.createWebviewPanel("netcGraph", "Graph", vscode.ViewColumn.Beside, { enableScripts: false });
        panel.onDidDispose(() => (panel = undefined));
      } else panel.reveal(vscode.ViewColumn.Beside, true);
      await draw(editor);
    };
  }

  context.subscriptions.push(
    vscode.commands.registerCommand("netc.showGraphView", show(false)),
    vscode.commands.registerCommand("netc.showGraphViewExpanded", show(true)),
    vscode.workspace.onDidChangeTextDocument((e) => {
      const editor = vscode.window.activeTextEditor;
      if (panel && editor && e.document === editor.document) redrawSoon(editor);
    }),
    vscode.window.onDidChangeTextEditorSelection((e) => {
      if (panel && e.textEditor.document.uri.toString() === shownUri) redrawSoon(e.textEditor);
    }),
  );
}

module.exports = { registerGraphView, graphPage };
