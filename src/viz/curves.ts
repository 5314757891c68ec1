// Training curves: the loss (every step, smoothed, and per epoch; validation dashed), each
// validation metric, and the learning rate, one panel each; several runs overlaid by colour.
import { drawPanel, type Panel, type Series } from "./chart.ts";
import type { Run } from "./run-log.ts";
import { el, svgDocument, text, textWidth } from "./svg.ts";

const RUN_COLOURS = ["#1f5fa8", "#c62828", "#2e7d32", "#6a1b9a", "#ef6c00", "#00838f", "#5d4037", "#ad1457"];
const PANEL_W = 400;
const PANEL_H = 230;
const MARGIN = 16;
const HEAD = 40;
/** TensorBoard's default smoothing of the per-step loss. */
const SMOOTHING = 0.9;

/** Exponential moving average, debiased so the first points are not pulled towards zero. */
export function smooth(values: readonly number[], weight = SMOOTHING): number[] {
  let last = 0;
  return values.map((v, i) => {
    last = last * weight + (1 - weight) * v;
    return last / (1 - weight ** (i + 1));
  });
}

/** Steps of epoch e sit between e-1 and e on the epoch axis, the last one on e. */
function stepPoints(run: Run): { x: number; y: number }[] {
  const raw = run.epochs.flatMap((e) => (e.stepLosses ?? []).map((loss, i, all) => ({ x: e.epoch - 1 + (i + 1) / all.length, y: loss })));
  const smoothed = smooth(raw.map((p) => p.y));
  return raw.map((p, i) => ({ x: p.x, y: smoothed[i]! }));
}

/** Metric names in first-seen order, `loss` excluded (it has the loss panel). */
function metricNames(runs: readonly Run[]): string[] {
  const names = new Set<string>();
  for (const r of runs) for (const e of r.epochs) for (const k of Object.keys(e.val ?? {})) if (k !== "loss") names.add(k);
  return [...names];
}

export function curvePanels(runs: readonly Run[]): Panel[] {
  const colour = (i: number) => RUN_COLOURS[i % RUN_COLOURS.length]!;
  const epochSeries = (i: number, kind: string, pick: (e: Run["epochs"][number]) => number | undefined, dashed = false): Series => ({
    kind,
    colour: colour(i),
    markers: true,
    dashed,
    points: runs[i]!.epochs.flatMap((e) => {
      const y = pick(e);
      return y === undefined ? [] : [{ x: e.epoch, y }];
    }),
  });
  const loss: Series[] = runs.flatMap((run, i) => {
    const steps = stepPoints(run);
    return [
      ...(steps.length > 0 ? [{ kind: "step-loss", colour: colour(i), markers: false, width: 1, opacity: 0.45, points: steps }] : []),
      epochSeries(i, "train-loss", (e) => e.loss),
      epochSeries(i, "val-loss", (e) => e.val?.loss, true),
    ].filter((s) => s.points.length > 0);
  });
  const lossValues = loss.flatMap((s) => s.points.map((p) => p.y));
  const panels: Panel[] = [
    { title: "loss", note: "● train per epoch  ○┄ validation  ─ per step (smoothed)", series: loss, logY: Math.max(...lossValues) / Math.max(Math.min(...lossValues), 1e-12) > 50 },
  ];
  for (const name of metricNames(runs))
    panels.push({ title: `validation ${name}`, series: runs.map((_, i) => epochSeries(i, `val-${name}`, (e) => e.val?.[name])).filter((s) => s.points.length > 0) });
  const lrs = runs.flatMap((r) => r.epochs.map((e) => e.lr));
  panels.push({
    title: "learning rate",
    note: "at the end of each epoch",
    series: runs.map((_, i) => epochSeries(i, "lr", (e) => e.lr)),
    logY: Math.min(...lrs) > 0 && Math.max(...lrs) / Math.min(...lrs) > 20,
  });
  return panels;
}

export function renderCurvesSvg(runs: readonly Run[], title = "training"): string {
  const panels = curvePanels(runs);
  const columns = Math.min(2, panels.length);
  const rows = Math.ceil(panels.length / columns);
  const width = MARGIN * 2 + columns * PANEL_W;
  const body: string[] = [text(MARGIN, 24, title, { "font-size": 15, "font-weight": "bold", fill: "#111111" })];
  // Legend: one colour per run.
  let x = MARGIN + textWidth(title, 15) + 20;
  runs.forEach((run, i) => {
    const label = `${run.name} (${run.epochs.length} epoch${run.epochs.length === 1 ? "" : "s"})`;
    body.push(el("rect", { x, y: 14, width: 14, height: 4, fill: RUN_COLOURS[i % RUN_COLOURS.length] }));
    body.push(text(x + 18, 20, label, { "font-size": 10, fill: "#333333", class: "run" }));
    x += 18 + textWidth(label, 10) + 16;
  });
  panels.forEach((p, i) => {
    body.push(drawPanel(p, MARGIN + (i % columns) * PANEL_W, HEAD + Math.floor(i / columns) * PANEL_H, PANEL_W - 8, PANEL_H - 8));
  });
  return svgDocument(Math.max(width, x + MARGIN), HEAD + rows * PANEL_H + MARGIN / 2, body, `${title}: training curves`);
}
