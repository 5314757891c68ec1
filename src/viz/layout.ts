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

/** Space between a cluster's border and its boxes; the top leaves room for its title. */
const CLUSTER_PAD = { x: 8, top: 16, bottom: 6 };

export function layoutGraph(input: LayoutInput, margin = 0): Layout {
  // dagre's nested-cluster layout is several times slower than a flat one. Clusters that do
  // not nest usually sit in bands of their own in the flat layout (a chain of block calls):
  // draw them around their boxes there, and lay out with real clusters only where a cluster's
  // border would take in another box or another cluster.
  if (input.clusters.length > 0 && input.clusters.every((c) => c.parent === undefined)) {
    const flat = runDagre(input, margin, false);
    const clusters = clustersAround(flat.nodes, input);
    if (clusters) return { ...flat, clusters };
  }
  return runDagre(input, margin, input.clusters.length > 0);
}

const intersects = (a: Box, b: Box) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

/** Each cluster's border around its boxes, or undefined when two borders or a border and a
 * box of another cluster would meet. */
function clustersAround(nodes: ReadonlyMap<string, Box>, input: LayoutInput): Map<string, Box> | undefined {
  const members = new Map<string, Box[]>();
  for (const n of input.nodes) if (n.cluster) members.set(n.cluster, [...(members.get(n.cluster) ?? []), nodes.get(n.key)!]);
  const boxes = new Map<string, Box>();
  for (const c of input.clusters) {
    const inside = members.get(c.key) ?? [];
    if (inside.length === 0) return undefined;
    const x = Math.min(...inside.map((b) => b.x)) - CLUSTER_PAD.x;
    const y = Math.min(...inside.map((b) => b.y)) - CLUSTER_PAD.top;
    const right = Math.max(...inside.map((b) => b.x + b.width)) + CLUSTER_PAD.x;
    const bottom = Math.max(...inside.map((b) => b.y + b.height)) + CLUSTER_PAD.bottom;
    boxes.set(c.key, { x, y, width: right - x, height: bottom - y });
  }
  const list = [...boxes.entries()];
  for (const [key, box] of list) {
    for (const n of input.nodes) if (n.cluster !== key && intersects(box, nodes.get(n.key)!)) return undefined;
    for (const [other, otherBox] of list) if (other !== key && intersects(box, otherBox)) return undefined;
  }
  return boxes;
}

function runDagre(input: LayoutInput, margin: number, compound: boolean): Layout {
  const g = new dagre.graphlib.Graph({ multigraph: true, compound });
  g.setGraph({ rankdir: "TB", nodesep: 24, ranksep: 28, edgesep: 12, marginx: margin, marginy: margin });
  g.setDefaultEdgeLabel(() => ({}));
  if (compound) {
    for (const c of input.clusters) g.setNode(c.key, {});
    for (const c of input.clusters) if (c.parent) g.setParent(c.key, c.parent);
  }
  for (const n of input.nodes) {
    g.setNode(n.key, { width: n.width, height: n.height });
    if (compound && n.cluster) g.setParent(n.key, n.cluster);
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
  const clusters = new Map(compound ? input.clusters.map((c) => [c.key, corner(g.node(c.key))]) : []);
  const edges = input.edges.map((e, i) => g.edge({ v: e.from, w: e.to, name: `e${i}` }).points as Point[]);
  const size = g.graph();
  return { nodes, edges, clusters, width: size.width ?? 0, height: size.height ?? 0 };
}
