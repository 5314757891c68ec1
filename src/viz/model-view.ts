// What the graph picture shows, before layout: one box per graph node, or per block call /
// repeat iteration when collapsed (the default), clusters for the groups when expanded, and an
// edge for every input of every node (skips, concat, merges).
import type { Graph, GraphGroup, GraphNode } from "../ir/graph.ts";
import { humanCount, opText, percent, shapeText } from "./format.ts";
import { familyOf, type OpFamily } from "./palette.ts";

export type Role = "input" | "output" | "inner";

export interface ViewNode {
  readonly key: string;
  /** First line, bold: the layer name, or the block call as written. */
  readonly title: string;
  /** Further lines: op, shape, counts. */
  readonly lines: readonly string[];
  readonly family: OpFamily;
  readonly role: Role;
  readonly params: number;
  readonly macs: number;
  /** The innermost cluster holding the box (expanded view only). */
  readonly cluster?: string;
  /** Graph node ids drawn by this box. */
  readonly nodeIds: readonly number[];
}

export interface ViewEdge {
  readonly from: string;
  readonly to: string;
}

export interface ViewCluster {
  readonly key: string;
  readonly title: string;
  readonly parent?: string;
}

export interface ModelView {
  readonly model: string;
  readonly nodes: readonly ViewNode[];
  readonly edges: readonly ViewEdge[];
  readonly clusters: readonly ViewCluster[];
  readonly totals: { readonly params: number; readonly macs: number };
}

export interface ViewOptions {
  /** Clusters per block call / repeat iteration instead of one collapsed box each. */
  readonly expand?: boolean;
  /** The model's source, to title block boxes with the call as written (`basic(128, stride = 2)`). */
  readonly source?: string;
}

/** Nested clusters make the layout superlinear (dagre's compound ordering): past this many
 * nodes an expanded view draws only the outermost block calls and repeat iterations as clusters. */
export const NESTED_CLUSTER_LIMIT = 120;

const groupKey = (g: GraphGroup) => `g${g.id}`;
const nodeKey = (n: GraphNode) => `n${n.id}`;

/** The call or repeat head as written, on one line, without comments or its trailer (`-> x`, `: [..]`). */
export function groupTitle(group: GraphGroup, source: string | undefined): string {
  const raw = source?.slice(group.span.start, group.span.end);
  // A call may span lines; a repeat's span holds its body, of which only the head is wanted.
  const written = (group.kind === "repeat" ? raw?.split("{")[0] : raw)
    ?.replace(/\/\/[^\n]*/g, "")
    .replace(/\s+/g, " ")
    .replace(/\s*(->\s*\w+)?\s*(:\s*\[[^\]]*\])?\s*$/, "")
    .replace(/\(\s+/g, "(")
    .replace(/\s+\)/g, ")")
    .trim();
  if (group.kind === "repeat") {
    const head = written && written.startsWith("repeat") ? written : "repeat";
    return `${head} [${(group.iteration ?? 0) + 1}/${group.count ?? "?"}]`;
  }
  return written || group.name;
}

export function buildModelView(graph: Graph, options: ViewOptions = {}): ModelView {
  const outputs = new Set(graph.outputs);
  const roleOf = (n: GraphNode): Role => (n.attrs.op === "input" ? "input" : outputs.has(n.id) ? "output" : "inner");
  const boxOf = (n: GraphNode) => (!options.expand && n.groups?.length ? groupKey(n.groups[0]!) : nodeKey(n));
  const totalMacs = graph.totals.macs;
  const depth = graph.nodes.length <= NESTED_CLUSTER_LIMIT ? Infinity : 1;
  const clusterGroups = (n: GraphNode) => (n.groups ?? []).slice(0, depth);
  const counts = (params: number, macs: number) =>
    `params ${humanCount(params)}  MACs ${humanCount(macs)}${macs > 0 ? ` (${percent(macs, totalMacs)})` : ""}`;

  // Boxes in first-appearance order (source order of the expanded graph).
  const members = new Map<string, GraphNode[]>();
  for (const n of graph.nodes) {
    const key = boxOf(n);
    const list = members.get(key);
    if (list) list.push(n);
    else members.set(key, [n]);
  }
  const nodes: ViewNode[] = [];
  for (const [key, list] of members) {
    const params = list.reduce((s, n) => s + n.paramCount, 0);
    const macs = list.reduce((s, n) => s + n.macs, 0);
    const last = list[list.length - 1]!;
    const role = list.some((n) => outputs.has(n.id)) ? "output" : roleOf(list[0]!);
    if (key.startsWith("g")) {
      const group = list[0]!.groups![0]!;
      // A repeat whose body is one block call is titled with the call too: `repeat 5 [2/5] dwsep(512)`.
      const inner = list[0]!.groups![1];
      const single = group.kind === "repeat" && inner?.kind === "block" && list.every((n) => n.groups![1]?.id === inner.id);
      nodes.push({
        key,
        title: single ? `${groupTitle(group, options.source)} ${groupTitle(inner, options.source)}` : groupTitle(group, options.source),
        lines: [`${list.length} layers → ${shapeText(last.shape)}`, counts(params, macs)],
        family: "block",
        role,
        params,
        macs,
        nodeIds: list.map((n) => n.id),
      });
    } else {
      const n = list[0]!;
      const innermost = clusterGroups(n).at(-1);
      nodes.push({
        key,
        title: n.label ? `${n.name} → ${n.label}` : n.name,
        lines: [
          opText(n.attrs),
          shapeText(n.shape),
          ...(n.paramCount > 0 || n.macs > 0 ? [counts(n.paramCount, n.macs)] : []),
        ],
        family: familyOf(n.attrs),
        role,
        params,
        macs,
        ...(options.expand && innermost ? { cluster: groupKey(innermost) } : {}),
        nodeIds: [n.id],
      });
    }
  }

  // Every input is an edge; inside a collapsed box the edges disappear, and parallel edges
  // between two collapsed boxes are drawn once.
  const edges: ViewEdge[] = [];
  const seen = new Set<string>();
  for (const n of graph.nodes) {
    for (const input of n.inputs) {
      const from = boxOf(graph.nodes[input]!);
      const to = boxOf(n);
      if (from === to) continue;
      const id = `${from}>${to}`;
      if (!options.expand) {
        if (seen.has(id)) continue;
        seen.add(id);
      }
      edges.push({ from, to });
    }
  }

  const clusters: ViewCluster[] = [];
  if (options.expand) {
    const known = new Set<string>();
    for (const n of graph.nodes) {
      clusterGroups(n).forEach((g, i, chain) => {
        if (known.has(groupKey(g))) return;
        known.add(groupKey(g));
        const parent = chain[i - 1];
        clusters.push({ key: groupKey(g), title: groupTitle(g, options.source), ...(parent ? { parent: groupKey(parent) } : {}) });
      });
    }
  }
  return { model: graph.model, nodes, edges, clusters, totals: { params: graph.totals.params, macs: totalMacs } };
}
