// Per-op shape, parameter tensors, params and MACs (spec sections 4 and 9). Each case is one
// op after an input; expected values are worked out by hand from PyTorch's formulas.
import { describe, expect, it } from "vitest";
import { check } from "../../src/check/index.ts";
import type { GraphNode } from "../../src/ir/graph.ts";
import { parse } from "../../src/syntax/parse.ts";

function lastNode(input: string, body: string): GraphNode {
  const { program, diagnostics } = parse(`model M {\n  input x: ${input}\n  ${body}\n}`);
  expect(diagnostics).toEqual([]);
  const result = check(program);
  expect(result.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  return result.graphs.get("M")!.nodes.at(-1)!;
}

const tensors = (n: GraphNode) => Object.fromEntries(n.params.map((p) => [p.name, [...p.shape, p.trainable ? "t" : "n"]]));

describe("weighted ops", () => {
  it("conv: standard arithmetic, kernel [kh, kw, Cin/groups, F] and bias", () => {
    const n = lastNode("[32, 32, 16]", "conv(8, 3x5, stride = 2, pad = [1, 0, 2, 1], dilation = 1, groups = 2)");
    expect(n.shape).toEqual([16, 16, 8]); // H: floor((32+1+0-3)/2)+1 = 16; W: floor((32+2+1-5)/2)+1 = 16
    expect(tensors(n)).toEqual({ kernel: [3, 5, 8, 8, "t"], bias: [8, "t"] });
    expect(n.paramCount).toBe(3 * 5 * 8 * 8 + 8);
    expect(n.macs).toBe(16 * 16 * 8 * (3 * 5 * 8));
  });

  it("conv: a bare integer kernel is square; same is SAME_UPPER with the odd pixel at bottom/right", () => {
    const n = lastNode("[7, 8, 3]", "conv(4, 3, stride = 2, pad = same, bias = false)");
    expect(n.shape).toEqual([4, 4, 4]);
    expect(n.attrs).toMatchObject({ kernel: [3, 3], pad: [1, 1, 0, 1] }); // H: total 2 → 1/1; W: total 1 → 0/1
    expect(n.paramCount).toBe(3 * 3 * 3 * 4);
  });

  it("conv: dilation widens the window", () => {
    const n = lastNode("[10, 10, 1]", "conv(1, 3x3, dilation = 2)");
    expect(n.shape).toEqual([6, 6, 1]);
  });

  it("depthwise: C_out = C_in·multiplier, kernel [kh, kw, C_in, m]", () => {
    const n = lastNode("[16, 16, 8]", "depthwise(3x3, stride = 2, pad = 1, multiplier = 2)");
    expect(n.shape).toEqual([8, 8, 16]);
    expect(tensors(n)).toEqual({ kernel: [3, 3, 8, 2, "t"], bias: [16, "t"] });
    expect(n.paramCount).toBe(3 * 3 * 8 * 2 + 16);
    expect(n.macs).toBe(8 * 8 * 16 * 9);
  });

  it("pointwise: a 1x1 conv", () => {
    const n = lastNode("[5, 5, 8]", "pointwise(4)");
    expect(n.shape).toEqual([5, 5, 4]);
    expect(tensors(n)).toEqual({ kernel: [1, 1, 8, 4, "t"], bias: [4, "t"] });
    expect(n.macs).toBe(5 * 5 * 4 * 8);
  });

  it("separable: depthwise then pointwise, bias on the pointwise only", () => {
    const n = lastNode("[10, 10, 4]", "separable(6, 3x3, pad = same, multiplier = 2)");
    expect(n.shape).toEqual([10, 10, 6]);
    expect(tensors(n)).toEqual({ depthwise: [3, 3, 4, 2, "t"], pointwise: [1, 1, 8, 6, "t"], bias: [6, "t"] });
    expect(n.paramCount).toBe(72 + 48 + 6);
    expect(n.macs).toBe(10 * 10 * 8 * 9 + 10 * 10 * 6 * 8);
  });

  it("conv_transpose: (in-1)·stride + k − pads; kernel [kh, kw, F, C_in]; MACs on the input", () => {
    const n = lastNode("[4, 4, 8]", "conv_transpose(3, 2x2, stride = 2)");
    expect(n.shape).toEqual([8, 8, 3]);
    expect(tensors(n)).toEqual({ kernel: [2, 2, 3, 8, "t"], bias: [3, "t"] });
    expect(n.macs).toBe(4 * 4 * 8 * (2 * 2 * 3));
    const padded = lastNode("[4, 4, 8]", "conv_transpose(3, 3x3, stride = 2, pad = 1)");
    expect(padded.shape).toEqual([7, 7, 3]);
  });

  it("dense: in·units (+ units)", () => {
    const n = lastNode("[400]", "dense(120)");
    expect(n.shape).toEqual([120]);
    expect(tensors(n)).toEqual({ kernel: [400, 120, "t"], bias: [120, "t"] });
    expect(n.paramCount).toBe(48_120);
    expect(n.macs).toBe(48_000);
  });

  it("batchnorm: 4·C, of which mean and var are non-trainable", () => {
    const n = lastNode("[4, 4, 10]", "batchnorm(eps = 1e-3)");
    expect(tensors(n)).toEqual({ gamma: [10, "t"], beta: [10, "t"], mean: [10, "n"], var: [10, "n"] });
    expect([n.paramCount, n.trainableParams, n.macs]).toEqual([40, 20, 0]);
    expect(n.attrs).toEqual({ op: "batchnorm", eps: 1e-3, momentum: 0.1 });
  });
});

describe("ops without params", () => {
  const cases: [string, string, string, number[], Record<string, unknown>][] = [
    ["maxpool", "[9, 9, 2]", "maxpool(2x2)", [4, 4, 2], { stride: [2, 2] }],
    ["maxpool (padded, stride)", "[56, 56, 2]", "maxpool(3x3, stride = 2, pad = 1)", [28, 28, 2], { pad: [1, 1, 1, 1] }],
    ["avgpool", "[28, 28, 6]", "avgpool(2x2, include_pad = true)", [14, 14, 6], { includePad: true }],
    ["globalavgpool", "[7, 7, 32]", "globalavgpool", [32], { keepdims: false }],
    ["globalmaxpool keepdims", "[7, 7, 32]", "globalmaxpool(keepdims = true)", [1, 1, 32], {}],
    ["upsample", "[4, 5, 2]", 'upsample(3, mode = "bilinear")', [12, 15, 2], { factor: 3, mode: "bilinear" }],
    ["flatten (H, W, C)", "[5, 5, 16]", "flatten", [400], {}],
    ["reshape", "[400]", "reshape([20, -1])", [20, 20], { shape: [20, 20] }],
    ["dropout", "[10]", "dropout(0.25)", [10], { rate: 0.25 }],
    ["pad", "[4, 4, 1]", 'pad([1, 2, 0, 3], mode = "mirror")', [7, 7, 1], { pad: [1, 2, 0, 3], mode: "mirror" }],
    ["leaky_relu", "[3]", "leaky_relu(alpha = 0.2)", [3], { alpha: 0.2 }],
    ["elu", "[3]", "elu", [3], { alpha: 1 }],
    ["gelu", "[3]", "gelu()", [3], { op: "gelu" }],
    ["maxout", "[2, 2, 12]", "maxout(3)", [2, 2, 4], { k: 3 }],
    ["softmax", "[4, 10]", "softmax(axis = 0)", [4, 10], { axis: 0 }],
    ["log_softmax", "[4, 10]", "log_softmax", [4, 10], { axis: 1 }],
  ];
  it.each(cases)("%s", (_, input, body, shape, attrs) => {
    const n = lastNode(input, body);
    expect(n.shape).toEqual(shape);
    expect(n.attrs).toMatchObject(attrs);
    expect([n.paramCount, n.macs]).toEqual([0, 0]);
  });

  it("every activation keeps the shape", () => {
    for (const op of ["relu", "relu6", "sigmoid", "tanh", "swish", "hard_swish", "gelu", "softplus", "identity"]) {
      expect(lastNode("[2, 3]", op).attrs).toEqual({ op });
    }
  });

  it("crop: centre crop to a label's H and W", () => {
    const n = lastNode("[9, 9, 2]", "conv(4, 4x4) -> small\n  from x\n  crop(to = small)");
    expect(n.shape).toEqual([6, 6, 2]);
    expect(n.attrs).toEqual({ op: "crop", top: 1, left: 1 });
  });

  it("add/mul broadcast [1, 1, C] against [H, W, C]; concat joins channels", () => {
    const mul = lastNode("[5, 5, 8]", "globalavgpool(keepdims = true) -> gate\n  from x\n  mul(gate)");
    expect(mul.shape).toEqual([5, 5, 8]);
    expect(mul.inputs.length).toBe(2);
    const cat = lastNode("[5, 5, 8]", "conv(3, 1x1) -> a\n  from x\n  concat(a, x)");
    expect(cat.shape).toEqual([5, 5, 19]);
    expect(cat.attrs).toEqual({ op: "concat", axis: 2 });
  });
});
