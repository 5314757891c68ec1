// `workspace/executeCommand` `netc.showGraph` [uri, position, { expand }]: the SVG picture of the
// model under the cursor (the model whose body, train or predict section holds the position;
// the file's first model elsewhere), as `netc viz` draws it.
import type { Analysis } from "./analysis.ts";
import { buildModelView } from "../viz/model-view.ts";
import { renderGraphSvg } from "../viz/graph-svg.ts";

export const SHOW_GRAPH_COMMAND = "netc.showGraph";

export interface ShowGraphOptions {
  readonly expand?: boolean;
}

export type ShowGraphResult = { readonly model: string; readonly svg: string } | { readonly error: string };

/** The name of the model the offset belongs to. */
export function modelAt(a: Analysis, offset: number): string | undefined {
  let first: string | undefined;
  for (const item of a.program.items) {
    const name = item.kind === "Model" ? item.name.name : item.kind === "Train" || item.kind === "Predict" ? item.model.name : undefined;
    if (name === undefined) continue;
    first ??= name;
    if (item.span.start <= offset && offset <= item.span.end) return name;
  }
  return first;
}

export function showGraph(a: Analysis, offset: number, options: ShowGraphOptions = {}): ShowGraphResult {
  const model = modelAt(a, offset);
  if (model === undefined) return { error: "this file has no model to draw" };
  const graph = a.checked?.graphs.get(model);
  if (!graph) {
    const errors = a.diagnostics.filter((d) => d.severity === "error").length;
    return {
      error:
        a.failure ??
        `model ${model} has ${errors} error${errors === 1 ? "" : "s"}; fix ${errors === 1 ? "it" : "them"} to see its graph`,
    };
  }
  return { model, svg: renderGraphSvg(buildModelView(graph, { expand: options.expand === true, source: a.text })) };
}
