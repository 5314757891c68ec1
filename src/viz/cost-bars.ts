// "Where do the parameters and mult-adds go": one row per box of the model view (a layer, or a
// whole block call / repeat iteration when collapsed) with horizontal bars for params and MACs.
// Several models are drawn side by side on one shared scale, so their bars compare directly.
import { humanCount, percent } from "./format.ts";
import type { ModelView } from "./model-view.ts";
import { FAMILY_COLOURS } from "./palette.ts";
import { el, svgDocument, text, textWidth } from "./svg.ts";

const MARGIN = 16;
const ROW = 18;
const BAR = 200;
const VALUE_WIDTH = 110;
const HEAD = 64;
const GAP = 36;

interface Row {
  readonly label: string;
  readonly params: number;
  readonly macs: number;
  readonly colour: string;
}

/** The rows of a cost chart: boxes that hold parameters or do mult-adds, in model order. */
export function costRows(view: ModelView): Row[] {
  return view.nodes
    .filter((n) => n.params > 0 || n.macs > 0)
    .map((n) => ({ label: n.title, params: n.params, macs: n.macs, colour: FAMILY_COLOURS[n.family].stroke }));
}

function bar(x: number, y: number, value: number, max: number, total: number, colour: string, kind: string): string[] {
  const w = max > 0 ? (BAR * value) / max : 0;
  return [
    el("rect", { class: `bar ${kind}`, x, y: y - 11, width: Math.max(w, value > 0 ? 1 : 0), height: 13, fill: colour, "fill-opacity": 0.85 }),
    text(x + w + 4, y, `${humanCount(value)} (${percent(value, total)})`, { "font-size": 10, fill: "#333333" }),
  ];
}

export function renderCostSvg(views: readonly ModelView[]): string {
  const panels = views.map((view) => ({ view, rows: costRows(view) }));
  const maxParams = Math.max(0, ...panels.flatMap((p) => p.rows.map((r) => r.params)));
  const maxMacs = Math.max(0, ...panels.flatMap((p) => p.rows.map((r) => r.macs)));
  const body: string[] = [];
  let x = MARGIN;
  let height = 0;
  for (const { view, rows } of panels) {
    const labelWidth = Math.max(80, ...rows.map((r) => textWidth(r.label, 11))) + 10;
    const paramsX = x + labelWidth;
    const macsX = paramsX + BAR + VALUE_WIDTH;
    const panel: string[] = [
      text(x, 24, view.model, { "font-size": 15, "font-weight": "bold", fill: "#111111" }),
      text(x, 42, `${humanCount(view.totals.params)} params  ${humanCount(view.totals.macs)} MACs`, { "font-size": 11, fill: "#444444" }),
      text(paramsX, HEAD - 6, "params", { "font-size": 11, "font-weight": "bold", fill: "#333333" }),
      text(macsX, HEAD - 6, "MACs (mult-adds)", { "font-size": 11, "font-weight": "bold", fill: "#333333" }),
    ];
    rows.forEach((r, i) => {
      const y = HEAD + 14 + i * ROW;
      if (i % 2 === 0) panel.push(el("rect", { x: x - 4, y: y - 13, width: macsX + BAR + VALUE_WIDTH - x, height: ROW, fill: "#f6f7f9" }));
      panel.push(text(x, y, r.label, { "font-size": 11, fill: "#111111", class: "row-label" }));
      panel.push(...bar(paramsX, y, r.params, maxParams, view.totals.params, r.colour, "params"));
      panel.push(...bar(macsX, y, r.macs, maxMacs, view.totals.macs, r.colour, "macs"));
    });
    body.push(el("g", { class: "panel", "data-model": view.model }, panel));
    height = Math.max(height, HEAD + 14 + rows.length * ROW);
    x = macsX + BAR + VALUE_WIDTH + GAP;
  }
  const title = views.map((v) => v.model).join(" vs ");
  return svgDocument(x - GAP + MARGIN, height + MARGIN, body, `${title}: params and MACs per layer`);
}
