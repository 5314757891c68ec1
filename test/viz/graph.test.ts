// The model graph pictures of every example: one box per node (or per block call / repeat
// iteration when collapsed), one edge per input, every label drawn, no boxes overlapping.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { inflateSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { check } from "../../src/check/index.ts";
import type { Graph } from "../../src/ir/graph.ts";
import { parse } from "../../src/syntax/parse.ts";
import { humanCount, percent } from "../../src/viz/format.ts";
import { layoutView, renderGraphSvg } from "../../src/viz/graph-svg.ts";
import { buildModelView, NESTED_CLUSTER_LIMIT } from "../../src/viz/model-view.ts";
import { svgToPng } from "../../src/viz/png.ts";
import { escapeXml } from "../../src/viz/svg.ts";
import { count, edges, nodeBoxes, overlaps, pngSize, texts } from "./svg-parse.ts";

const examples = readdirSync("examples").filter((f) => f.endsWith(".net"));

function graphsOf(file: string, source = readFileSync(join("examples", file), "utf8")): { source: string; graphs: Graph[] } {
  const result = check(parse(source).program);
  expect(result.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  return { source, graphs: [...result.graphs.values()] };
}

function expectNoOverlap(svg: string): void {
  const boxes = nodeBoxes(svg);
  for (let i = 0; i < boxes.length; i++)
    for (let j = i + 1; j < boxes.length; j++) expect(overlaps(boxes[i]!, boxes[j]!), `${boxes[i]!.key} / ${boxes[j]!.key}`).toBe(false);
}

describe("humanised numbers", () => {
  it("keeps three significant digits with K/M/G suffixes", () => {
    expect([0, 999, 1000, 61_706, 416_520, 2_359_296, 1_800_000_000, 11_689_512, 999_999].map(humanCount)).toEqual([
      "0", "999", "1K", "61.7K", "417K", "2.36M", "1.8G", "11.7M", "1M",
    ]);
    expect([percent(1, 3), percent(1, 2000), percent(0, 5), percent(5, 5)]).toEqual(["33%", "<0.1%", "0%", "100%"]);
  });

  it("escapes text for XML", () => {
    expect(escapeXml(`a<b & "c" 'd'>`)).toBe("a&#60;b &#38; &#34;c&#34; &#39;d&#39;&#62;");
  });
});

describe.each(examples)("the graph of examples/%s", (file) => {
  const { source, graphs } = graphsOf(file);

  it.each(graphs.map((g) => [g.model, g] as const))("%s expanded: a box per node, an edge per input, every name", (_, graph) => {
    const svg = renderGraphSvg(buildModelView(graph, { expand: true, source }));
    expect(count(svg, /<g class="node"/g)).toBe(graph.nodes.length);
    expect(edges(svg)).toHaveLength(graph.nodes.reduce((n, node) => n + node.inputs.length, 0));
    const drawn = new Set(texts(svg));
    for (const node of graph.nodes) expect(drawn.has(node.label ? `${node.name} → ${node.label}` : node.name), node.name).toBe(true);
    expectNoOverlap(svg);
    const groups = new Set(graph.nodes.flatMap((n) => (n.groups ?? []).slice(0, graph.nodes.length > NESTED_CLUSTER_LIMIT ? 1 : undefined).map((g) => g.id)));
    expect(count(svg, /<g class="cluster"/g)).toBe(groups.size);
  });

  it.each(graphs.map((g) => [g.model, g] as const))("%s expanded: each cluster holds its boxes and no other", (_, graph) => {
    const view = buildModelView(graph, { expand: true, source });
    const layout = layoutView(view);
    const parent = new Map(view.clusters.map((c) => [c.key, c.parent]));
    const chain = (key: string | undefined): string[] => (key ? [key, ...chain(parent.get(key))] : []);
    for (const c of view.clusters) {
      const border = layout.clusters.get(c.key)!;
      for (const n of view.nodes) {
        const box = layout.nodes.get(n.key)!;
        const inside =
          box.x >= border.x && box.y >= border.y && box.x + box.width <= border.x + border.width && box.y + box.height <= border.y + border.height;
        if (chain(n.cluster).includes(c.key)) expect(inside, `${n.key} in ${c.title}`).toBe(true);
        else expect(overlaps(box, border), `${n.key} outside ${c.title}`).toBe(false);
      }
    }
  });

  it.each(graphs.map((g) => [g.model, g] as const))("%s collapsed: a box per block call, totals kept", (_, graph) => {
    const view = buildModelView(graph, { source });
    const svg = renderGraphSvg(view);
    const outermost = new Set(graph.nodes.map((n) => (n.groups?.length ? `g${n.groups[0]!.id}` : `n${n.id}`)));
    expect(count(svg, /<g class="node"/g)).toBe(outermost.size);
    expect(view.nodes.reduce((s, n) => s + n.params, 0)).toBe(graph.totals.params);
    expect(view.nodes.reduce((s, n) => s + n.macs, 0)).toBe(graph.totals.macs);
    const drawn = new Set(texts(svg));
    for (const n of view.nodes) expect(drawn.has(n.title), n.title).toBe(true);
    expectNoOverlap(svg);
  });
});

describe("ResNet-18", () => {
  const { source, graphs } = graphsOf("resnet18.net");
  const graph = graphs[0]!;

  it("collapses each basic block into one box with its call, layer count and counts", () => {
    const view = buildModelView(graph, { source });
    expect(view.nodes.map((n) => n.title)).toEqual([
      "image", "conv_0", "batchnorm_0", "relu_0", "maxpool_0",
      "basic(64)", "basic(64)", "basic(128, stride = 2)", "basic(128)",
      "basic(256, stride = 2)", "basic(256)", "basic(512, stride = 2)", "basic(512)",
      "globalavgpool_0", "dense_0",
    ]);
    const down = view.nodes[7]!;
    // conv 3x3 64→128 (73,728) + conv 3x3 128→128 (147,456) + 1x1 projection 64→128 (8,192)
    // + three batchnorms of 4 × 128 (γ, β, running mean and variance).
    expect(down.params).toBe(73_728 + 147_456 + 8_192 + 3 * 512);
    expect(down.lines).toEqual(["9 layers → [28, 28, 128]", "params 231K  MACs 180M (9.9%)"]);
    expect(view.edges).toHaveLength(14);
    expect(view.nodes[0]!.role).toBe("input");
    expect(view.nodes[14]!.role).toBe("output");
    // torchvision: 11,689,512 params (+ 9,600 batchnorm running statistics), 1.81 GMACs.
    expect(texts(renderGraphSvg(view))).toContain("11.7M params  1.81G MACs  15 boxes");
  });

  it("expanded: the projection shortcut is a second edge into each downsampling add", () => {
    const view = buildModelView(graph, { expand: true, source });
    const adds = graph.nodes.filter((n) => n.attrs.op === "add");
    expect(adds).toHaveLength(8);
    for (const add of adds) expect(view.edges.filter((e) => e.to === `n${add.id}`)).toHaveLength(2);
    expect(view.clusters.map((c) => c.title)).toContain("basic(512, stride = 2)");
  });

  it("renders to a PNG of twice the SVG's size", () => {
    const svg = renderGraphSvg(buildModelView(graph, { source }));
    const [, w, h] = /<svg[^>]* width="(\d+)" height="(\d+)"/.exec(svg)!;
    const png = svgToPng(svg);
    expect(pngSize(png)).toEqual({ width: 2 * Number(w), height: 2 * Number(h) });
    // The image data inflates to height rows of (1 filter byte + width RGBA pixels).
    const idat = idatOf(png);
    expect(inflateSync(idat).length).toBe(2 * Number(h) * (1 + 4 * 2 * Number(w)));
  });
});

describe("repeat iterations", () => {
  it("MobileNet's repeat 5 { dwsep(512) } gives five boxes, one per iteration", () => {
    const { source, graphs } = graphsOf("mobilenet_v1.net");
    const titles = buildModelView(graphs[0]!, { source }).nodes.map((n) => n.title);
    expect(titles.filter((t) => t.startsWith("repeat 5"))).toEqual([1, 2, 3, 4, 5].map((i) => `repeat 5 [${i}/5] dwsep(512 * alpha)`));
  });

  it("titles a call written over several lines on one line, without comments or trailer", () => {
    const source = `model M {
  input x: [8, 8, 3]
  block b(f, s = 1) {
    conv(f, 3x3, stride = s, pad = 1)
    relu
  }
  b(
    16, // wide
    s = 2
  ) -> y : [4, 4, 16]
  repeat 2 {
    b(16)
    relu
  }
}`;
    const { graphs } = graphsOf("", source);
    const view = buildModelView(graphs[0]!, { source });
    expect(view.nodes.map((n) => n.title)).toEqual(["x", "b(16, s = 2)", "repeat 2 [1/2]", "repeat 2 [2/2]"]);
    expect(view.nodes.map((n) => n.lines[0])).toEqual(["input", "2 layers → [4, 4, 16]", "3 layers → [4, 4, 16]", "3 layers → [4, 4, 16]"]);
  });

  it("labels and text that need escaping stay well-formed", () => {
    const source = `model Tiny {
  input x: [8]
  dense(4) -> hidden
  relu
  output hidden
}`;
    const { graphs } = graphsOf("", source);
    const svg = renderGraphSvg(buildModelView(graphs[0]!, { source }));
    expect(texts(svg)).toContain("dense_0 → hidden");
    expect(pngSize(svgToPng(svg)).width).toBeGreaterThan(0);
  });
});

function idatOf(png: Uint8Array): Uint8Array {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const parts: Uint8Array[] = [];
  for (let at = 8; at < png.length; ) {
    const length = view.getUint32(at);
    const type = String.fromCharCode(...png.subarray(at + 4, at + 8));
    if (type === "IDAT") parts.push(png.subarray(at + 8, at + 8 + length));
    at += 12 + length;
  }
  return Buffer.concat(parts);
}
