// One line chart panel: axes with round ticks, a title, and polylines or point series in it.
// Shared by the training curves; knows nothing about training.
import { el, pathThrough, text } from "./svg.ts";

export interface Series {
  readonly points: readonly { readonly x: number; readonly y: number }[];
  readonly colour: string;
  /** Small circles at each point (one per epoch); a thin line only when false. */
  readonly markers: boolean;
  readonly dashed?: boolean;
  readonly width?: number;
  readonly opacity?: number;
  /** For tests and tooling: what the series is (`train-loss`, `val-accuracy`, ...). */
  readonly kind: string;
}

export interface Panel {
  readonly title: string;
  /** Small grey text on the title's line, right-aligned: how to read the lines. */
  readonly note?: string;
  readonly series: readonly Series[];
  readonly logY?: boolean;
}

/** 1, 2 or 5 times a power of ten, giving about `count` ticks over [lo, hi]. */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  const raw = (hi - lo) / count;
  // A range of a few ulps (a smoothed value next to its raw one) has steps that adding to lo
  // cannot change: one tick.
  if (!(hi > lo) || lo + raw === lo || hi - raw === hi) return [lo];
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw)!;
  const ticks: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) ticks.push(Number(t.toPrecision(12)));
  return ticks;
}

function tickText(v: number): string {
  if (v === 0) return "0";
  const a = Math.abs(v);
  return a >= 1e5 || a < 1e-4 ? v.toExponential(0) : String(Number(v.toPrecision(3)));
}

export function drawPanel(panel: Panel, x0: number, y0: number, width: number, height: number): string {
  const plot = { x: x0 + 52, y: y0 + 24, w: width - 64, h: height - 52 };
  const all = panel.series.flatMap((s) => s.points);
  const xs = all.map((p) => p.x);
  const ys = all.map((p) => (panel.logY ? Math.log10(Math.max(p.y, 1e-12)) : p.y));
  const xMin = Math.min(0, ...xs);
  const xMax = Math.max(1, ...xs);
  let yMin = Math.min(...ys);
  let yMax = Math.max(...ys);
  // Equal values, or equal but for rounding (1e-9 of their size): a range around them.
  if (!(yMax - yMin > 1e-9 * Math.max(Math.abs(yMin), Math.abs(yMax)))) {
    yMin -= 0.5 * (Math.abs(yMin) || 1);
    yMax += 0.5 * (Math.abs(yMax) || 1);
  }
  const pad = (yMax - yMin) * 0.06;
  yMin -= pad;
  yMax += pad;
  const sx = (v: number) => plot.x + ((v - xMin) / (xMax - xMin)) * plot.w;
  const sy = (v: number) => plot.y + plot.h - ((v - yMin) / (yMax - yMin)) * plot.h;
  const ty = (v: number) => (panel.logY ? Math.log10(Math.max(v, 1e-12)) : v);

  const parts: string[] = [text(x0 + 4, y0 + 14, panel.title, { "font-size": 12, "font-weight": "bold", fill: "#111111" })];
  if (panel.note) parts.push(text(plot.x + plot.w, y0 + 14, panel.note, { "font-size": 9, "text-anchor": "end", fill: "#555555" }));
  parts.push(el("rect", { x: plot.x, y: plot.y, width: plot.w, height: plot.h, fill: "#fbfbfc", stroke: "#cccccc" }));
  const yTicks = panel.logY
    ? niceTicks(Math.ceil(yMin), Math.floor(yMax), 4).filter(Number.isInteger)
    : niceTicks(yMin, yMax, 5);
  for (const t of yTicks) {
    const y = sy(t);
    if (y < plot.y - 0.5 || y > plot.y + plot.h + 0.5) continue;
    parts.push(el("line", { x1: plot.x, x2: plot.x + plot.w, y1: y, y2: y, stroke: "#e6e6e6" }));
    parts.push(text(plot.x - 4, y + 3, tickText(panel.logY ? 10 ** t : t), { "font-size": 9, "text-anchor": "end", fill: "#555555" }));
  }
  for (const t of niceTicks(xMin, xMax, Math.min(8, Math.max(1, Math.round(xMax - xMin))))) {
    if (!Number.isInteger(t)) continue;
    const x = sx(t);
    parts.push(el("line", { x1: x, x2: x, y1: plot.y + plot.h, y2: plot.y + plot.h + 4, stroke: "#888888" }));
    parts.push(text(x, plot.y + plot.h + 14, String(t), { "font-size": 9, "text-anchor": "middle", fill: "#555555" }));
  }
  parts.push(text(plot.x + plot.w / 2, plot.y + plot.h + 26, "epoch", { "font-size": 9, "text-anchor": "middle", fill: "#555555" }));
  for (const s of panel.series) {
    const pts = s.points.map((p) => ({ x: sx(p.x), y: sy(ty(p.y)) }));
    const series: string[] = [];
    if (pts.length > 1)
      series.push(
        el("path", {
          d: pathThrough(pts),
          fill: "none",
          stroke: s.colour,
          "stroke-width": s.width ?? 1.6,
          "stroke-opacity": s.opacity ?? 1,
          "stroke-dasharray": s.dashed ? "5 3" : undefined,
        }),
      );
    if (s.markers)
      for (const p of pts)
        series.push(el("circle", { class: "point", cx: p.x, cy: p.y, r: 2.8, fill: s.dashed ? "#ffffff" : s.colour, stroke: s.colour, "stroke-width": 1.2 }));
    parts.push(el("g", { class: "series", "data-kind": s.kind }, series));
  }
  return el("g", { class: "panel" }, parts);
}
