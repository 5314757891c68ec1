// netc → a PyTorch package: model.py, train.py (when the model has a train section), README.md
// and the starting weights, written all at once (see write-package.ts).
import type { Graph } from "../../ir/graph.ts";
import { serializeSafetensors, type TensorData } from "../../io/safetensors.ts";
import { emitModelPy } from "./emit-model.ts";
import { emitReadme } from "./emit-readme.ts";
import { emitTrainPy, fusedFinalOp } from "./emit-train.ts";
import type { PackageFiles } from "./write-package.ts";

export { PytorchExportError } from "./errors.ts";
export { PackageExistsError, writePackage } from "./write-package.ts";

export interface PytorchPackageOptions {
  /** The .net file, as named on the command line (for docstrings and the README). */
  readonly source: string;
  /** Where the weights came from, for the README. */
  readonly weightsSource: string;
}

const text = (s: string): Uint8Array[] => [new TextEncoder().encode(s)];

/** The package's files; throws PytorchExportError for an op the exporter cannot express. */
export function buildPytorchPackage(
  graph: Graph,
  weights: ReadonlyMap<string, TensorData>,
  options: PytorchPackageOptions,
): PackageFiles {
  const output = graph.nodes[graph.outputs[0]];
  const input = graph.nodes[graph.inputs[0]];
  const train = graph.train && graph.outputs.length === 1 && graph.inputs.length === 1 ? graph.train : undefined;
  const fused = train ? fusedFinalOp(train, output.attrs.op) : undefined;
  const files = new Map<string, Uint8Array[]>();
  files.set("model.py", text(emitModelPy(graph, { className: graph.model, source: options.source, fusedFinalOp: fused })));
  if (train) {
    const trainPy = emitTrainPy(train, {
      className: graph.model,
      inputShape: input.shape,
      tokenIds: input.attrs.op === "input" && input.attrs.dtype === "int",
      outputShape: output.shape,
      lastOp: output.attrs.op,
    });
    files.set("train.py", text(trainPy));
  }
  files.set(
    "README.md",
    text(
      emitReadme({
        className: graph.model,
        source: options.source,
        trainable: train !== undefined,
        weightsSource: options.weightsSource,
        batch: train?.batch,
      }),
    ),
  );
  files.set("weights.safetensors", serializeSafetensors(weights, { model: graph.model, format: "netc" }));
  return files;
}
