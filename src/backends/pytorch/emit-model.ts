// netc Program (or checked Graph) → model.py: one nn.Module class named after the model, taking
// and returning NHWC tensors, plus load_netc_weights/save_netc_weights for netc's safetensors.
import type { Span } from "../../diagnostics/diagnostic.ts";
import type { Program, ProgramNode } from "../../runtime/ops.ts";
import { PytorchExportError } from "./errors.ts";
import { layoutConverters } from "./layouts.ts";
import { emitOp, type OpCode, type TensorBinding, type WeightLayout } from "./ops.ts";
import { helperDefinitions, type PyHelper } from "./python-helpers.ts";
import { pythonFile } from "./python-files.ts";
import { docstring, pyName, pyString, pyTuple, wrapLine } from "./python-source.ts";

export interface ModelEmitOptions {
  /** The class name: the model's name. */
  readonly className: string;
  /** Where the model came from, for the module docstring (`examples/lenet5.net`). */
  readonly source?: string;
  /**
   * The op whose input `forward(..., logits=True)` returns: the final softmax or sigmoid that the
   * training loss fuses (as netc's trainer does). Absent: no `logits` argument.
   */
  readonly fusedFinalOp?: string;
}

const nodeSpan = (node: ProgramNode): Span | undefined => (node as { span?: Span }).span;


/** How a value stored in the module (NCHW for rank 3) reads as NHWC. */
const asNhwc = (variable: string, rank: number): string => (rank === 3 ? `${variable}.permute(0, 2, 3, 1)` : variable);

/** One state_dict entry, or a tuple of the entries a netc tensor is split into. */
const stateText = (state: string | readonly string[]): string =>
  typeof state === "string" ? pyString(state) : pyTuple(state.map(pyString));

const shapeText = (shape: readonly number[]): string => `[N, ${shape.join(", ")}]`;

/** The Python variable of each node: `x` when only the next node reads it, else its own name. */
function variableNames(program: Program): Map<number, string> {
  const consumers = new Map<number, number[]>();
  for (const node of program.nodes) for (const i of node.inputs) consumers.set(i, [...(consumers.get(i) ?? []), node.id]);
  const outputs = new Set(program.outputs);
  const names = new Map<number, string>();
  program.nodes.forEach((node, index) => {
    const users = consumers.get(node.id) ?? [];
    const next = program.nodes[index + 1];
    const chained =
      node.attrs.op !== "input" && !outputs.has(node.id) && users.length === 1 && next !== undefined && users[0] === next.id;
    const own = node.attrs.op === "input" ? pyName(node.attrs.name) : pyName(node.name);
    names.set(node.id, chained ? "x" : own);
  });
  return names;
}

/** The source of model.py for `program`; throws PytorchExportError for an op PyTorch cannot express here. */
export function emitModelPy(program: Program, options: ModelEmitOptions): string {
  const byId = new Map(program.nodes.map((n) => [n.id, n]));
  const names = variableNames(program);
  const modules: (readonly [string, string])[] = [];
  const setup: string[] = [];
  const helpers = new Set<PyHelper>();
  const tensors: TensorBinding[] = [];
  const forward: string[] = [];
  const inputs = program.inputs.map((id) => byId.get(id)!);
  const outputs = program.outputs.map((id) => byId.get(id)!);
  const fused = options.fusedFinalOp !== undefined && outputs.length === 1 ? outputs[0] : undefined;

  for (const input of inputs)
    if (input.shape.length === 3) forward.push(`${names.get(input.id)} = ${names.get(input.id)}.permute(0, 3, 1, 2)`);
  for (const node of program.nodes) {
    if (node.attrs.op === "input") continue;
    const fail = (message: string): never => {
      throw new PytorchExportError(message, node.name, node.attrs.op, nodeSpan(node));
    };
    const code: OpCode = emitOp({
      node,
      input: (i) => names.get(node.inputs[i])!,
      inputShape: (i) => byId.get(node.inputs[i])!.shape,
      fail,
    });
    if (node === fused) {
      const logits = byId.get(node.inputs[0])!;
      forward.push("if logits:", `    return ${asNhwc(names.get(logits.id)!, logits.shape.length)}`);
    }
    modules.push(...(code.modules ?? []));
    setup.push(...(code.setup ?? []));
    for (const helper of code.helpers ?? []) helpers.add(helper);
    tensors.push(...(code.tensors ?? []));
    forward.push(`${names.get(node.id)} = ${code.value}`);
  }
  const results = outputs.map((o) => asNhwc(names.get(o.id)!, o.shape.length));
  forward.push(`return ${results.join(", ")}`);

  const className = pyName(options.className);
  const args = inputs.map((i) => names.get(i.id)!);
  const signature = [...args, ...(fused ? ["logits=False"] : [])].join(", ");
  const argDocs = inputs.map((i) => `${names.get(i.id)}: ${shapeText(i.shape)}`).join(", ");
  const resultDocs = outputs.map((o) => shapeText(o.shape)).join(", ");
  const summary = `${argDocs} (NHWC) -> ${resultDocs}.`;
  const forwardDoc = fused
    ? [
        `        """${summary}`,
        "",
        `        With logits=True: the input of the final ${options.fusedFinalOp}, which the training`,
        "        loss fuses.",
        '        """',
      ]
    : docstring(8, summary);

  const usedLayouts = new Set<WeightLayout>(tensors.map((t) => t.layout));
  const definitions = helperDefinitions(helpers);
  const body = [...definitions, ...modules.map(([attr, ctor]) => `self.${attr} = ${ctor}`), ...setup, ...forward].join("\n");
  const imports = [
    "import json",
    ...(body.includes("math.") ? ["import math"] : []),
    "import os",
    "import struct",
    "",
    "import numpy as np",
    "import torch",
    ...(body.includes("F.") ? ["import torch.nn.functional as F"] : []),
    "from torch import nn",
  ];

  const lines = [
    `"""${options.className}, exported by netc${options.source ? ` from ${options.source}` : ""}.`,
    "",
    "The module takes and returns NHWC tensors, as netc does; [H, W, C] activations run",
    "channels-first (NCHW) inside. load_netc_weights and save_netc_weights read and write",
    "netc's safetensors weights (keys <layer>.<tensor>, Keras layouts) both ways.",
    '"""',
    ...imports,
    "",
    "",
    ...definitions,
    `class ${className}(nn.Module):`,
    tensors.some((t) => typeof t.state !== "string")
      ? "    # netc weight key: (state_dict entry or entries, layout, shape in the netc file)"
      : "    # netc weight key: (state_dict entry, layout, shape in the netc file)",
    ...(tensors.length === 0
      ? ["    NETC_TENSORS = {}"]
      : [
          "    NETC_TENSORS = {",
          ...tensors.map((t) => `        ${pyString(t.key)}: (${stateText(t.state)}, ${pyString(t.layout)}, ${pyTuple(t.shape)}),`),
          "    }",
        ]),
    "",
    "    def __init__(self):",
    "        super().__init__()",
    ...modules.map(([attr, ctor]) => `        self.${attr} = ${ctor}`),
    ...setup.map((l) => `        ${l}`),
    "",
    `    def forward(self, ${signature}):`,
    ...forwardDoc,
    ...forward.map((l) => `        ${l}`),
    "",
    "",
    ...layoutConverters(usedLayouts),
    "",
    "",
    pythonFile("netc_weights.py").trimEnd(),
  ];
  return lines.flatMap((l) => wrapLine(l)).join("\n") + "\n";
}
