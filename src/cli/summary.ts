// `netc summary FILE [--model M] [--param k=v]... [--json]`: a Keras-like per-layer table
// (name, op, output shape, params, MACs, source line) and totals; `--json` prints the object
// of spec section 9.
import type { Command } from "commander";
import type { ParamValue } from "../check/index.ts";
import { LineMap } from "../diagnostics/render.ts";
import type { Graph } from "../ir/graph.ts";
import { intValuedNodes } from "../ir/dtype.ts";
import { collectParam } from "./check.ts";
import { loadGraph } from "./load-graph.ts";

export interface SummaryJson {
  readonly model: string;
  readonly params: { readonly total: number; readonly trainable: number; readonly non_trainable: number };
  readonly macs: number;
  readonly input: (readonly number[])[];
  readonly output: (readonly number[])[];
  readonly memory: {
    readonly param_bytes: number;
    readonly activation_bytes_inference: number;
    readonly activation_bytes_training: number;
  };
  readonly layers: {
    readonly name: string;
    readonly op: string;
    readonly output: readonly number[];
    /** "int" for token ids (an int input, take of one); absent for float. */
    readonly dtype?: "int";
    readonly params: number;
    readonly macs: number;
    readonly line: number;
  }[];
}

export function summaryJson(graph: Graph, lines: LineMap): SummaryJson {
  const t = graph.totals;
  const ints = intValuedNodes(graph);
  return {
    model: graph.model,
    params: { total: t.params, trainable: t.trainable, non_trainable: t.nonTrainable },
    macs: t.macs,
    input: graph.inputs.map((id) => graph.nodes[id]!.shape),
    output: graph.outputs.map((id) => graph.nodes[id]!.shape),
    memory: {
      param_bytes: t.paramBytes,
      activation_bytes_inference: t.activationBytesInference,
      activation_bytes_training: t.activationBytesTraining,
    },
    layers: graph.nodes.map((n) => ({
      name: n.name,
      op: n.attrs.op,
      output: n.shape,
      ...(ints.has(n.id) ? { dtype: "int" as const } : {}),
      params: n.paramCount,
      macs: n.macs,
      line: lines.position(n.callSite.start).line,
    })),
  };
}

const thousands = (n: number) => n.toLocaleString("en-US");

function bytesText(n: number): string {
  const units = ["B", "KiB", "MiB", "GiB"];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${n} B` : `${thousands(n)} B (${v.toFixed(2)} ${units[u]})`;
}

export function summaryTable(json: SummaryJson): string {
  const header = ["Layer", "Op", "Output shape", "Params", "MACs", "Line"];
  const rows = json.layers.map((l) => [
    l.name,
    l.op,
    `[${l.output.join(", ")}]${l.dtype === "int" ? " int" : ""}`,
    thousands(l.params),
    thousands(l.macs),
    String(l.line),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const numeric = [false, false, false, true, true, true];
  const format = (cells: string[]) =>
    cells
      .map((c, i) => (numeric[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd();
  const rule = "─".repeat(widths.reduce((a, b) => a + b, 0) + 2 * (widths.length - 1));
  const totals: [string, string][] = [
    ["Total params", thousands(json.params.total)],
    ["Trainable params", thousands(json.params.trainable)],
    ["Non-trainable params", thousands(json.params.non_trainable)],
    ["MACs", thousands(json.macs)],
    ["Parameter bytes", bytesText(json.memory.param_bytes)],
    ["Activation bytes, inference (peak, per sample)", bytesText(json.memory.activation_bytes_inference)],
    ["Activation bytes, training (per sample)", bytesText(json.memory.activation_bytes_training)],
  ];
  const labelWidth = Math.max(...totals.map(([k]) => k.length)) + 1;
  return [
    `Model: ${json.model}`,
    rule,
    format(header),
    rule,
    ...rows.map(format),
    rule,
    ...totals.map(([k, v]) => `${(k + ":").padEnd(labelWidth)} ${v}`),
    "",
  ].join("\n");
}

export function runSummary(file: string, opts: { model?: string; params: Record<string, ParamValue>; json: boolean }): number {
  const { graph, checked } = loadGraph(file, opts);
  const json = summaryJson(graph, new LineMap(checked.text));
  process.stdout.write(opts.json ? JSON.stringify(json) + "\n" : summaryTable(json));
  return 0;
}

export function registerSummary(program: Command): void {
  program
    .command("summary")
    .description("per-layer table and totals of a model")
    .argument("<file>", ".net file")
    .option("--model <name>", "the model to summarise (default: the file's only model)")
    .option("--param <name=value>", "set a model parameter (repeatable)", collectParam, {})
    .option("--json", "print the JSON object of the spec (section 9)", false)
    .action((file: string, opts: { model?: string; param: Record<string, ParamValue>; json: boolean }) => {
      process.exitCode = runSummary(file, {
        ...(opts.model !== undefined ? { model: opts.model } : {}),
        params: opts.param,
        json: opts.json,
      });
    });
}
