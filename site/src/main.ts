// The playground page: the editor on the left; summary, graph and training panels on the
// right. Opens on the URL's text (a shared link), else the last text of this browser, else
// examples/lenet5.net.
import { AnalysisClient } from "./analysis-client.ts";
import { createEditor } from "./editor.ts";
import type { ModelInfo } from "./protocol.ts";
import { hashFor, readHash, storedText, storeText } from "./share.ts";
import { renderSummary } from "./summary-panel.ts";
import { TrainPanel } from "./train-panel.ts";

declare const __NETC_EXAMPLES__: Readonly<Record<string, string>>;
const examples = __NETC_EXAMPLES__;
const DEFAULT_EXAMPLE = "lenet5";

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;

function notice(text: string): void {
  const el = $("page-notice");
  el.textContent = text;
  el.hidden = text === "";
}

// ---- the opening text -------------------------------------------------------------------------

function openingText(): string {
  const opening = readHash(location.hash, examples);
  switch (opening.kind) {
    case "example":
      return examples[opening.name]!;
    case "code":
      return opening.text;
    case "invalid":
      notice(`This link could not be opened (${opening.reason}), so the playground shows examples/${DEFAULT_EXAMPLE}.net instead.`);
      history.replaceState(null, "", location.pathname + location.search);
      return examples[DEFAULT_EXAMPLE]!;
    case "none":
      return storedText() ?? examples[DEFAULT_EXAMPLE]!;
  }
}

// ---- state --------------------------------------------------------------------------------------

let models: readonly ModelInfo[] = [];
let modelsVersion = 0;
let selected: string | undefined;
let activeTab = "summary";
let graphShown = { version: -1, model: "" };

/** How long a check may run before its worker is ended (`?check-timeout-ms=N`, as the language
 * server's checkTimeoutMs). */
const checkTimeoutMs = Number(new URLSearchParams(location.search).get("check-timeout-ms")) || 5_000;
const client = new AnalysisClient(() => new Worker(new URL("analysis-worker.js", import.meta.url), { type: "module" }), checkTimeoutMs);

const select = $<HTMLSelectElement>("examples");
for (const name of Object.keys(examples).sort()) select.add(new Option(`${name}.net`, name));

let hashTimer: number | undefined;
const editor = createEditor($("editor"), openingText(), client, (text) => {
  storeText(text);
  // The URL follows the text, without a history entry per keystroke.
  clearTimeout(hashTimer);
  hashTimer = window.setTimeout(() => history.replaceState(null, "", hashFor(text, examples)), 300);
  select.value = Object.keys(examples).find((k) => examples[k] === text) ?? "";
});
select.value = Object.keys(examples).find((k) => examples[k] === editor.view.state.doc.toString()) ?? "";
select.addEventListener("change", () => {
  if (select.value) editor.setText(examples[select.value]!);
});

$("share").addEventListener("click", () => {
  const url = location.origin + location.pathname + hashFor(editor.view.state.doc.toString(), examples);
  history.replaceState(null, "", url);
  void navigator.clipboard?.writeText(url).then(
    () => ($("share").textContent = "Link copied"),
    () => ($("share").textContent = "Link in the address bar"),
  );
  setTimeout(() => ($("share").textContent = "Share"), 2000);
});

// ---- diagnostics status ------------------------------------------------------------------------

client.diagnosticListeners.push((version, diagnostics, ms) => {
  if (version !== editor.version()) return;
  const errors = diagnostics.filter((d) => d.severity === "error").length;
  const warnings = diagnostics.filter((d) => d.severity === "warning").length;
  const status = $("check-status");
  status.textContent =
    errors + warnings === 0
      ? `✓ checks clean (${ms.toFixed(0)} ms)`
      : `${errors} error${errors === 1 ? "" : "s"}, ${warnings} warning${warnings === 1 ? "" : "s"} (${ms.toFixed(0)} ms)`;
  status.className = errors ? "bad" : warnings ? "warn" : "good";
  if (!document.body.dataset.firstDiagnostics) document.body.dataset.firstDiagnostics = String(Math.round(performance.now()));
});

client.onTimeout = (version, limitMs) => {
  if (version !== editor.version()) return;
  const status = $("check-status");
  status.textContent = `checking took longer than ${limitMs} ms and was stopped; edit to check again`;
  status.className = "bad";
  // Diagnostics of an older text would mislead: none until the next check.
  client.onDiagnostics(version, [], 0);
};

// ---- models, summary and graph -----------------------------------------------------------------

const modelSelect = $<HTMLSelectElement>("model");
client.onAnalysis = (version, found, failure) => {
  if (version !== editor.version()) return;
  models = found;
  modelsVersion = version;
  const names = found.map((m) => m.summary.model);
  if (selected === undefined || !names.includes(selected)) selected = names[0];
  modelSelect.innerHTML = "";
  for (const name of names) modelSelect.add(new Option(name, name));
  modelSelect.value = selected ?? "";
  modelSelect.hidden = names.length < 2;
  showSummary(failure);
  const info = current();
  train.setDefaults(info?.train?.epochs);
  if (activeTab === "graph") requestGraph();
};
modelSelect.addEventListener("change", () => {
  selected = modelSelect.value;
  showSummary(undefined);
  if (activeTab === "graph") requestGraph();
});

function current(): ModelInfo | undefined {
  return models.find((m) => m.summary.model === selected);
}

/** The summary of the last text that checked, kept (marked as such) while the text has errors. */
let lastSummary = "";

function showSummary(failure: string | undefined): void {
  const info = current();
  const panel = $("summary");
  if (!info) {
    const why = failure ? `The checker stopped: ${failure}.` : "The text has errors (see the editor).";
    panel.innerHTML = lastSummary
      ? `<p class="stale">${why} Showing the last version that checked.</p><div class="stale-body">${lastSummary}</div>`
      : `<p class="empty">${why} The summary appears when a model checks.</p>`;
    return;
  }
  lastSummary = renderSummary(info.summary, info.train?.batch);
  panel.innerHTML = lastSummary;
  panel.dataset.model = info.summary.model;
}

$("summary").addEventListener("click", (event) => {
  const line = (event.target as HTMLElement).dataset.line;
  if (!line) return;
  event.preventDefault();
  const pos = editor.view.state.doc.line(Number(line)).from;
  editor.view.dispatch({ selection: { anchor: pos }, scrollIntoView: true });
  editor.view.focus();
});

function requestGraph(): void {
  if (!selected) {
    $("graph").innerHTML = `<p class="empty">No model checks without errors yet.</p>`;
    return;
  }
  if (graphShown.version === modelsVersion && graphShown.model === selected) return;
  client.graph(modelsVersion, selected);
}
client.onGraph = (version, model, svg) => {
  if (version !== modelsVersion || model !== selected) return;
  graphShown = { version, model };
  $("graph").innerHTML = svg;
};

// ---- tabs ----------------------------------------------------------------------------------------

for (const tab of document.querySelectorAll<HTMLButtonElement>("[data-tab]")) {
  tab.addEventListener("click", () => {
    activeTab = tab.dataset.tab!;
    for (const t of document.querySelectorAll<HTMLButtonElement>("[data-tab]")) t.setAttribute("aria-selected", String(t === tab));
    for (const p of document.querySelectorAll<HTMLElement>("[data-panel]")) p.hidden = p.dataset.panel !== activeTab;
    if (activeTab === "graph") requestGraph();
  });
}

// ---- training ------------------------------------------------------------------------------------

const train = new TrainPanel($("train-panel"), new URL("train-worker.js", import.meta.url).href, () => ({
  source: editor.view.state.doc.toString(),
  model: modelsVersion === editor.version() ? selected : undefined,
  epochs: current()?.train?.epochs,
  output: current()?.summary.output[0],
}));

$("isolation").textContent = crossOriginIsolated ? "cross-origin isolated: 2 kernel threads" : "not cross-origin isolated: 1 kernel thread";
