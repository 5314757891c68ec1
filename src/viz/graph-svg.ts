// The model graph as SVG: a header with the totals and a colour legend, one box per view node
// (colour = op family, the bar on its left = its share of the model's MACs), an arrow per edge,
// dashed clusters for expanded block calls and repeat iterations.
import { humanCount } from "./format.ts";
import { layoutGraph, type Box, type Layout } from "./layout.ts";
import type { ModelView, ViewNode } from "./model-view.ts";
import { FAMILY_COLOURS, FAMILY_NAMES, type OpFamily } from "./palette.ts";
import { el, pathThrough, svgDocument, text, textWidth } from "./svg.ts";

const TITLE_SIZE = 12;
const LINE_SIZE = 11;
const LINE_HEIGHT = 14;
const PAD_X = 8;
const PAD_Y = 6;
/** The MAC-share bar on the left edge of each box. */
const BAR_WIDTH = 5;
const MARGIN = 16;

function roleTag(node: ViewNode): string {
  return node.role === "inner" ? "" : node.role;
}

function boxSize(node: ViewNode): { width: number; height: number } {
  const tag = roleTag(node);
  const titleWidth = textWidth(node.title, TITLE_SIZE) + (tag ? textWidth(tag, 9) + 10 : 0);
  const widest = Math.max(titleWidth, ...node.lines.map((l) => textWidth(l, LINE_SIZE)));
  return {
    width: Math.ceil(widest + 2 * PAD_X + BAR_WIDTH),
    height: PAD_Y * 2 + LINE_HEIGHT * (1 + node.lines.length),
  };
}

/** Layout of the view with the box sizes this renderer needs (exported for tests). */
export function layoutView(view: ModelView): Layout {
  return layoutGraph(
    {
      nodes: view.nodes.map((n) => ({ key: n.key, ...boxSize(n), ...(n.cluster ? { cluster: n.cluster } : {}) })),
      edges: view.edges,
      clusters: view.clusters,
    },
    MARGIN,
  );
}

function drawNode(node: ViewNode, box: Box, maxMacs: number): string {
  const colour = FAMILY_COLOURS[node.family];
  const emphasised = node.role !== "inner";
  const share = maxMacs > 0 ? node.macs / maxMacs : 0;
  const barHeight = (box.height - 4) * share;
  const tag = roleTag(node);
  const x = box.x + BAR_WIDTH + PAD_X;
  return el("g", { class: "node", "data-key": node.key, "data-family": node.family }, [
    el("rect", {
      x: box.x,
      y: box.y,
      width: box.width,
      height: box.height,
      rx: node.role === "input" ? 10 : 4,
      fill: colour.fill,
      stroke: emphasised ? "#111111" : colour.stroke,
      "stroke-width": emphasised ? 2.2 : 1,
    }),
    el("rect", { x: box.x + 2, y: box.y + 2, width: BAR_WIDTH, height: box.height - 4, fill: "#ffffff", opacity: 0.7 }),
    share > 0
      ? el("rect", { class: "mac-share", x: box.x + 2, y: box.y + box.height - 2 - barHeight, width: BAR_WIDTH, height: barHeight, fill: "#c62828" })
      : "",
    text(x, box.y + PAD_Y + 11, node.title, { "font-size": TITLE_SIZE, "font-weight": "bold", fill: "#111111", class: "title" }),
    tag
      ? text(box.x + box.width - PAD_X, box.y + PAD_Y + 10, tag, { "font-size": 9, "font-weight": "bold", "text-anchor": "end", fill: "#111111" })
      : "",
    ...node.lines.map((line, i) =>
      text(x, box.y + PAD_Y + 11 + LINE_HEIGHT * (i + 1), line, { "font-size": LINE_SIZE, fill: "#333333" }),
    ),
  ]);
}

/** Legend items flowed into rows no wider than `width`; returns the markup and its height. */
function legend(families: readonly OpFamily[], top: number, width: number): { items: string[]; height: number } {
  const entries = [
    ...families.map((f) => ({ label: FAMILY_NAMES[f], swatch: { width: 12, rx: 2, fill: FAMILY_COLOURS[f].fill, stroke: FAMILY_COLOURS[f].stroke } })),
    { label: "share of the MACs (relative to the largest box)", swatch: { width: 5, rx: 0, fill: "#c62828", stroke: "none" } },
  ];
  const items: string[] = [];
  let x = MARGIN;
  let y = top;
  for (const e of entries) {
    const w = e.swatch.width + 4 + textWidth(e.label, 10) + 14;
    if (x > MARGIN && x + w > width - MARGIN) {
      x = MARGIN;
      y += 16;
    }
    items.push(el("rect", { x, y: y - 9, height: 12, ...e.swatch }));
    items.push(text(x + e.swatch.width + 4, y + 1, e.label, { "font-size": 10, fill: "#333333" }));
    x += w;
  }
  return { items, height: y - top + 16 };
}

const ORDER: readonly OpFamily[] = ["input", "conv", "dense", "norm", "activation", "pool", "merge", "shape", "block"];

export function renderGraphSvg(view: ModelView): string {
  const layout = layoutView(view);
  const maxMacs = Math.max(0, ...view.nodes.map((n) => n.macs));
  const families = ORDER.filter((f) => view.nodes.some((n) => n.family === f));
  const width = Math.max(layout.width, 560);
  const key = legend(families, 46, width);
  const headerHeight = 46 + key.height;
  const header = [
    text(MARGIN, 24, view.model, { "font-size": 16, "font-weight": "bold", fill: "#111111" }),
    text(MARGIN + textWidth(view.model, 16) + 12, 24, `${humanCount(view.totals.params)} params  ${humanCount(view.totals.macs)} MACs  ${view.nodes.length} boxes`, {
      "font-size": 12,
      fill: "#444444",
    }),
    ...key.items,
  ];
  const clusters = view.clusters.map((c) => {
    const box = layout.clusters.get(c.key)!;
    return el("g", { class: "cluster", "data-key": c.key }, [
      el("rect", { x: box.x, y: box.y, width: box.width, height: box.height, rx: 6, fill: "#fffdf3", "fill-opacity": 0.6, stroke: "#b0a060", "stroke-dasharray": "4 3" }),
    ]);
  });
  // Titles go over the edges (an edge entering a cluster crosses its top), on a backing.
  const clusterTitles = view.clusters.map((c) => {
    const box = layout.clusters.get(c.key)!;
    return el("g", { class: "cluster-title" }, [
      el("rect", { x: box.x + 4, y: box.y + 2, width: textWidth(c.title, 10) + 4, height: 12, fill: "#fffdf3" }),
      text(box.x + 6, box.y + 11, c.title, { "font-size": 10, fill: "#6d5b00" }),
    ]);
  });
  const edges = layout.edges.map((points, i) =>
    el("path", {
      class: "edge",
      "data-from": view.edges[i]!.from,
      "data-to": view.edges[i]!.to,
      d: pathThrough(points),
      fill: "none",
      stroke: "#555555",
      "stroke-width": 1.2,
      "marker-end": "url(#arrow)",
    }),
  );
  const nodes = view.nodes.map((n) => drawNode(n, layout.nodes.get(n.key)!, maxMacs));
  const defs = el(
    "defs",
    {},
    el("marker", { id: "arrow", viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: "auto-start-reverse" }, el("path", { d: "M0 0 L10 5 L0 10 z", fill: "#555555" })),
  );
  const body = [defs, ...header, el("g", { transform: `translate(${(width - layout.width) / 2} ${headerHeight})` }, [...clusters, ...edges, ...clusterTitles, ...nodes])];
  return svgDocument(width, layout.height + headerHeight, body, `${view.model}: ${humanCount(view.totals.params)} params, ${humanCount(view.totals.macs)} MACs`);
}
