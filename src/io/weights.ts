// A model's weights file: which tensors a program needs (`<layer>.<tensor>`, spec section 9) and
// the check that a file provides exactly those, with the shapes the model declares.
import type { Program } from "../runtime/ops.ts";
import { formatShape, readSafetensors, WeightsFileError, type ReadOptions, type TensorData } from "./safetensors.ts";

export interface ExpectedTensor {
  readonly key: string;
  readonly shape: readonly number[];
}

/** Every parameter tensor of the program, keyed `<layer>.<tensor>`, in node order. */
export function weightSpecs(program: Program): ExpectedTensor[] {
  return program.nodes.flatMap((node) => node.params.map((p) => ({ key: `${node.name}.${p.name}`, shape: p.shape })));
}

export interface CheckOptions {
  /** Accept tensors the model does not use (otherwise they are an error: likely the wrong file). */
  readonly allowExtra?: boolean;
}

/** Throws a WeightsFileError listing every missing, mis-shaped or unexpected tensor. */
export function checkWeights(
  tensors: ReadonlyMap<string, TensorData>,
  expected: readonly ExpectedTensor[],
  source: string,
  options: CheckOptions = {},
): void {
  const problems: string[] = [];
  for (const { key, shape } of expected) {
    const found = tensors.get(key);
    if (found === undefined) problems.push(`missing tensor '${key}' (expected shape ${formatShape(shape)})`);
    else if (!sameShape(found.shape, shape))
      problems.push(`tensor '${key}': expected ${formatShape(shape)}, got ${formatShape(found.shape)}`);
  }
  if (!options.allowExtra) {
    const known = new Set(expected.map((e) => e.key));
    for (const key of tensors.keys())
      if (!known.has(key)) problems.push(`unexpected tensor '${key}' (the model has no such parameter)`);
  }
  if (problems.length > 0) {
    throw new WeightsFileError(
      `${source} does not fit the model:\n  ${problems.join("\n  ")}\n` +
        "check that the weights were saved from this model with the same parameters (--param)",
    );
  }
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** Read and check the weights of `program` (NaN/Inf refused). */
export function loadWeights(
  path: string,
  program: Program,
  options: CheckOptions & ReadOptions = {},
): Map<string, TensorData> {
  const { tensors } = readSafetensors(path, { checkFinite: options.checkFinite ?? true });
  checkWeights(tensors, weightSpecs(program), path, options);
  return new Map(tensors);
}
