// The summary panel: `netc summary`'s table (layer, op, output shape, params, MACs, line) and
// totals, from the same SummaryJson.
import type { SummaryJson } from "../../src/cli/summary.ts";
import { trainingBytes } from "./training-memory.ts";

const count = (n: number) => n.toLocaleString("en-US");

export function bytesText(n: number): string {
  if (n >= 2 ** 30) return `${(n / 2 ** 30).toFixed(2)} GiB`;
  if (n >= 2 ** 20) return `${(n / 2 ** 20).toFixed(1)} MiB`;
  if (n >= 2 ** 10) return `${(n / 2 ** 10).toFixed(1)} KiB`;
  return `${n} B`;
}

const escape = (s: string) => s.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
const shape = (s: readonly number[]) => `[${s.join(", ")}]`;

export function renderSummary(json: SummaryJson, batch: number | undefined): string {
  const rows = json.layers
    .map(
      (l) =>
        `<tr><td>${escape(l.name)}</td><td>${escape(l.op)}</td><td>${shape(l.output)}${l.dtype ? " int" : ""}</td>` +
        `<td class="num">${count(l.params)}</td><td class="num">${count(l.macs)}</td><td class="num"><a href="#" data-line="${l.line}">${l.line}</a></td></tr>`,
    )
    .join("");
  const m = json.memory;
  const totals: [string, string, string][] = [
    ["Params", count(json.params.total), "params-total"],
    ["Trainable", count(json.params.trainable), "params-trainable"],
    ["Non-trainable", count(json.params.non_trainable), "params-frozen"],
    ["MACs", count(json.macs), "macs"],
    ["Parameter memory", bytesText(m.param_bytes), "param-bytes"],
    ["Activations, inference (peak, per sample)", bytesText(m.activation_bytes_inference), "act-inference"],
    ["Activations, training (per sample)", bytesText(m.activation_bytes_training), "act-training"],
  ];
  if (batch !== undefined)
    totals.push([
      `Training memory at batch ${batch}`,
      bytesText(trainingBytes({ paramBytes: m.param_bytes, activationBytesTraining: m.activation_bytes_training }, batch)),
      "train-bytes",
    ]);
  return `
<dl class="totals">${totals.map(([k, v, id]) => `<div><dt>${k}</dt><dd data-total="${id}">${v}</dd></div>`).join("")}</dl>
<p class="io">input ${json.input.map(shape).join(", ")} → output ${json.output.map(shape).join(", ")}</p>
<table class="layers"><thead><tr><th>Layer</th><th>Op</th><th>Output</th><th class="num">Params</th><th class="num">MACs</th><th class="num">Line</th></tr></thead>
<tbody>${rows}</tbody></table>`;
}
