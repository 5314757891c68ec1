// What the whole-model benchmark cases share: an example model checked into a Graph, seeded
// weights, and the same network built from tfjs ops so tfjs runs the very model netc runs.
import { readFileSync } from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import { check } from "../src/check/index.ts";
import type { Graph } from "../src/ir/graph.ts";
import type { Pad4, Program } from "../src/runtime/ops.ts";
import { parse } from "../src/syntax/parse.ts";

export const EXAMPLES_DIR = new URL("../examples/", import.meta.url);

/** Parses and checks `examples/<file>`; the first model in it. */
export function loadExample(file: string): Graph {
  const text = readFileSync(new URL(file, EXAMPLES_DIR), "utf8");
  const parsed = parse(text);
  const checked = check(parsed.program);
  const errors = [...parsed.diagnostics, ...checked.diagnostics].filter((d) => d.severity === "error");
  if (errors.length > 0) throw new Error(`${file}: ${errors.map((d) => d.message).join("; ")}`);
  const graph = checked.graphs.values().next().value;
  if (!graph) throw new Error(`${file}: no model`);
  return graph;
}

// tfjs-core registers no gradients (the @tensorflow/tfjs bundle does); training needs them. Its
// ESM build has extensionless imports, so it is loaded through require (tsx transforms it); the
// gradients land in tfjs's global registry, shared by every copy of tfjs-core.
createRequire(import.meta.url)("@tensorflow/tfjs-core/dist/register_all_gradients.js");

let wasmPathsSet = false;

/** Switches tfjs to `backend`; in Node the wasm backend must be told where its .wasm files are. */
export async function useTfjsBackend(backend: "wasm" | "cpu"): Promise<void> {
  if (backend === "wasm" && !wasmPathsSet) {
    const require = createRequire(import.meta.url);
    const dist = path.dirname(require.resolve("@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm"));
    setWasmPaths(dist + path.sep);
    wasmPathsSet = true;
  }
  await tf.setBackend(backend);
  await tf.ready();
}

/** netc's [top, bottom, left, right] as tfjs padding: a number when symmetric, else explicit. */
function tfPad(pad: Pad4): number | [[number, number], [number, number], [number, number], [number, number]] {
  const [t, b, l, r] = pad;
  return t === b && l === r && t === l ? t : [[0, 0], [t, b], [l, r], [0, 0]];
}

/**
 * The program as a tfjs function of its input (NHWC, batch first), reading each param tensor
 * from `params` under netc's `<layer>.<tensor>` key (layouts agree: conv kernels [kh,kw,C,F],
 * depthwise [kh,kw,C,M], dense [in,out]). Only the ops the benchmarked examples use.
 */
export function tfjsForward(program: Program, params: ReadonlyMap<string, tf.Tensor>): (x: tf.Tensor4D) => tf.Tensor[] {
  return (x) => {
    const values: tf.Tensor[] = [];
    for (const node of program.nodes) {
      const input = values[node.inputs[0]!] as tf.Tensor4D;
      const p = (name: string) => {
        const t = params.get(`${node.name}.${name}`);
        if (!t) throw new Error(`tfjsForward: no param ${node.name}.${name}`);
        return t;
      };
      const a = node.attrs;
      let y: tf.Tensor;
      switch (a.op) {
        case "input":
          y = x;
          break;
        case "conv":
          if (a.groups !== 1) throw new Error("tfjsForward: grouped conv is not supported");
          y = tf.conv2d(input, p("kernel") as tf.Tensor4D, a.stride as [number, number], tfPad(a.pad), "NHWC", a.dilation as [number, number]);
          if (a.bias) y = tf.add(y, p("bias"));
          break;
        case "depthwise":
          y = tf.depthwiseConv2d(input, p("kernel") as tf.Tensor4D, a.stride as [number, number], tfPad(a.pad), "NHWC", a.dilation as [number, number]);
          if (a.bias) y = tf.add(y, p("bias"));
          break;
        case "pointwise":
          y = tf.conv2d(input, p("kernel") as tf.Tensor4D, 1, 0);
          if (a.bias) y = tf.add(y, p("bias"));
          break;
        case "batchnorm":
          y = tf.batchNorm(input, p("mean") as tf.Tensor1D, p("var") as tf.Tensor1D, p("beta") as tf.Tensor1D, p("gamma") as tf.Tensor1D, a.eps);
          break;
        case "relu":
          y = tf.relu(input);
          break;
        case "relu6":
          y = tf.relu6(input);
          break;
        case "tanh":
          y = tf.tanh(input);
          break;
        case "sigmoid":
          y = tf.sigmoid(input);
          break;
        case "avgpool":
        case "maxpool":
          if (a.pad.some((v) => v !== 0)) throw new Error("tfjsForward: padded pooling is not supported");
          y = (a.op === "avgpool" ? tf.avgPool : tf.maxPool)(input, a.kernel as [number, number], a.stride as [number, number], 0);
          break;
        case "globalavgpool":
          y = tf.mean(input, [1, 2], a.keepdims);
          break;
        case "flatten":
          y = tf.reshape(input, [input.shape[0], -1]);
          break;
        case "dense":
          y = tf.matMul(input as unknown as tf.Tensor2D, p("kernel") as tf.Tensor2D);
          if (a.bias) y = tf.add(y, p("bias"));
          break;
        case "softmax":
          if (a.axis !== node.shape.length - 1) throw new Error("tfjsForward: softmax must be over the last axis");
          y = tf.softmax(input);
          break;
        default:
          throw new Error(`tfjsForward: op ${a.op} is not supported`);
      }
      values.push(y);
    }
    return program.outputs.map((id) => values[id]!);
  };
}

/** Every param of `weights` as a tfjs tensor (or variable, to train it). */
export function tfjsParams(weights: ReadonlyMap<string, Float32Array>, program: Program, variables: boolean): Map<string, tf.Tensor> {
  const shapes = new Map<string, readonly number[]>(program.nodes.flatMap((n) => n.params.map((s) => [`${n.name}.${s.name}`, s.shape] as const)));
  return new Map(
    [...weights].map(([key, values]) => {
      const t = tf.tensor(values, shapes.get(key) as number[]);
      return [key, variables ? tf.variable(t, true, key) : t] as const;
    }),
  );
}

/** Deterministic input values in [-1, 1]. */
export function sineInput(size: number, phase = 0): Float32Array {
  return Float32Array.from({ length: size }, (_, i) => Math.sin(0.61 * i + phase));
}
