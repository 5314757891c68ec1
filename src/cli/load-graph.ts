// The front end shared by every command that runs a model: read, parse, check, pick the model.
import type { ParamValue } from "../check/index.ts";
import { renderDiagnostics } from "../diagnostics/render.ts";
import type { Graph } from "../ir/graph.ts";
import { checkFile, hasErrors, UsageError, type CheckedFile } from "./check.ts";

/** The input is wrong (exit code 1); the message is ready to print. */
export class InputError extends Error {}

/** Picks the model: --model, or the file's only model. */
export function chooseModel(checked: CheckedFile, model: string | undefined): string {
  const names = [...checked.result.facts.symbols.values()].filter((s) => s.kind === "model").map((s) => s.name);
  if (model !== undefined) {
    if (!names.includes(model))
      throw new UsageError(`${checked.file} has no model '${model}' (models: ${names.join(", ") || "none"})`);
    return model;
  }
  if (names.length === 1) return names[0]!;
  if (names.length === 0) throw new UsageError(`${checked.file} has no model`);
  throw new UsageError(`${checked.file} has several models (${names.join(", ")}); choose one with --model`);
}

/** The checked graph of one model, or an InputError carrying the rendered error diagnostics. */
export function loadGraph(
  file: string,
  options: { model?: string; params?: Record<string, ParamValue> },
): { graph: Graph; checked: CheckedFile } {
  const model = chooseModel(checkFile(file), options.model);
  const checked = checkFile(file, { model, params: options.params ?? {} });
  const graph = checked.result.graphs.get(model);
  if (hasErrors(checked.diagnostics) || !graph) {
    const errors = checked.diagnostics.filter((d) => d.severity === "error");
    throw new InputError(renderDiagnostics(file, checked.text, errors).trimEnd());
  }
  return { graph, checked };
}
