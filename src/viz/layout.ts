// Top-to-bottom layered layout of boxes, edges and nested clusters, by dagre (Sugiyama-style
// ranking, crossing reduction and edge routing); this module only translates to and from it.
import dagre from "@dagrejs/dagre";

export interface Box {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export interface Point {
  readonly x: number;
  readonly y: number;
}

export interface LayoutInput {
  readonly nodes: readonly { readonly key: string; readonly width: number; readonly height: number; readonly cluster?: string }[];
  readonly edges: readonly { readonly from: string; readonly to: string }[];
  readonly clusters: readonly { readonly key: string; readonly parent?: string }[];
}

export interface Layout {
  /** Top-left corner and size of each box, by key. */
  readonly nodes: ReadonlyMap<string, Box>;
  /** One polyline per input edge, in input order. */
  readonly edges: readonly (readonly Point[])[];
  readonly clusters: ReadonlyMap<string, Box>;
  readonly width: number;
  readonly height: number;
}

export function layoutGraph(input: LayoutInput, margin = 0): Layout {
  const compound = input.clusters.length > 0;
  const g = new dagre.graphlib.Graph({ multigraph: true, compound });
  g.setGraph({ rankdir: "TB", nodesep: 24, ranksep: 28, edgesep: 12, marginx: margin, marginy: margin });
  g.setDefaultEdgeLabel(() => ({}));
  for (const c of input.clusters) g.setNode(c.key, {});
  for (const c of input.clusters) if (c.parent) g.setParent(c.key, c.parent);
  for (const n of input.nodes) {
    g.setNode(n.key, { width: n.width, height: n.height });
    if (n.cluster) g.setParent(n.key, n.cluster);
  }
  input.edges.forEach((e, i) => g.setEdge(e.from, e.to, {}, `e${i}`));
  dagre.layout(g);

  const corner = (v: { x: number; y: number; width: number; height: number }): Box => ({
    x: v.x - v.width / 2,
    y: v.y - v.height / 2,
    width: v.width,
    height: v.height,
  });
  const nodes = new Map(input.nodes.map((n) => [n.key, corner(g.node(n.key))]));
  const clusters = new Map(input.clusters.map((c) => [c.key, corner(g.node(c.key))]));
  const edges = input.edges.map((e, i) => g.edge({ v: e.from, w: e.to, name: `e${i}` }).points as Point[]);
  const size = g.graph();
  return { nodes, edges, clusters, width: size.width ?? 0, height: size.height ?? 0 };
}
