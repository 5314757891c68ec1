// The front end shared by every command that runs a model: read, parse, check, pick the model.
import type { ParamValue } from "../check/index.ts";
import { renderDiagnostics } from "../diagnostics/render.ts";
import type { Graph } from "../ir/graph.ts";
import { checkFile, hasErrors, isBlank, type CheckedFile } from "./check.ts";
import { InputError, UsageError } from "./errors.ts";
import { paletteFor } from "./style.ts";

export { InputError } from "./errors.ts";

/** Picks the model: --model, or the file's only model. */
export function chooseModel(checked: CheckedFile, model: string | undefined): string {
  const names = [...checked.result.facts.symbols.values()].filter((s) => s.kind === "model").map((s) => s.name);
  if (model !== undefined) {
    if (!names.includes(model))
      throw new UsageError(`${checked.file} has no model '${model}' (models: ${names.join(", ") || "none"})`);
    return model;
  }
  if (names.length === 1) return names[0]!;
  if (names.length === 0)
    throw new InputError(
      isBlank(checked.text)
        ? `${checked.file} is an empty file; it declares no model`
        : `${checked.file} declares no model; add \`model Name { input x: [...] ... }\``,
    );
  throw new UsageError(`${checked.file} has several models (${names.join(", ")}); choose one with --model`);
}

/** The file's error diagnostics, rendered for stderr, as an InputError. */
export function diagnosticsError(checked: CheckedFile): InputError {
  const errors = checked.diagnostics.filter((d) => d.severity === "error");
  const colors = paletteFor(process.stderr);
  return new InputError(renderDiagnostics(checked.file, checked.text, errors, { colors }).trimEnd(), { diagnostics: true });
}

/** The checked graph of one model, or an InputError carrying the rendered error diagnostics. */
export function loadGraph(
  file: string,
  options: { model?: string; params?: Record<string, ParamValue> },
): { graph: Graph; checked: CheckedFile } {
  const first = checkFile(file);
  // Errors that hide the models (syntax errors in a declaration) are shown as they are.
  const names = [...first.result.facts.symbols.values()].filter((s) => s.kind === "model");
  if (names.length === 0 && hasErrors(first.diagnostics)) throw diagnosticsError(first);
  const model = chooseModel(first, options.model);
  const checked = checkFile(file, { model, params: options.params ?? {} });
  const graph = checked.result.graphs.get(model);
  if (hasErrors(checked.diagnostics) || !graph) throw diagnosticsError(checked);
  return { graph, checked };
}
