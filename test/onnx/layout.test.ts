// Layout bookkeeping: NHWC at the graph boundary, NCHW inside, and no transpose that is not needed.
import { describe, expect, it } from "vitest";
import { buildOnnxModel } from "../../src/backends/onnx/index.ts";
import { fullAxis, fullShape, layoutPermutation } from "../../src/backends/onnx/layout.ts";
import { opFixture } from "./fixtures.ts";

const transposes = (name: string): number => {
  const f = opFixture(name);
  return buildOnnxModel(f.program, f.weights).graph.nodes.filter((n) => n.opType === "Transpose").length;
};

describe("layout helpers", () => {
  it("permutes batched tensors between NHWC and NCHW", () => {
    expect(layoutPermutation(3, "channels_first")).toEqual([0, 3, 1, 2]);
    expect(layoutPermutation(3, "channels_last")).toEqual([0, 2, 3, 1]);
    expect(layoutPermutation(2, "channels_first")).toEqual([0, 2, 1]);
  });

  it("maps per-sample axes and shapes into each layout", () => {
    expect([0, 1, 2].map((a) => fullAxis(a, 3, "channels_first"))).toEqual([2, 3, 1]);
    expect([0, 1, 2].map((a) => fullAxis(a, 3, "channels_last"))).toEqual([1, 2, 3]);
    expect(fullAxis(0, 1, "channels_first")).toBe(1);
    expect(fullShape("N", [5, 6, 7], "channels_first")).toEqual(["N", 7, 5, 6]);
    expect(fullShape("N", [5], "channels_first")).toEqual(["N", 5]);
  });
});

describe("transposes sit only where a layout change is needed", () => {
  it("a conv chain pays one transpose in and one out", () => {
    expect(transposes("conv_basic_relu")).toBe(2);
    expect(transposes("pointwise_batchnorm_relu6")).toBe(2);
  });

  it("pooling to a vector needs no transpose back", () => {
    // input→NCHW; the [H, W, C] SE-gated output needs one back to NHWC; the class vector none.
    expect(transposes("global_pools_dense_softmax")).toBe(2);
  });

  it("flatten transposes back to NHWC so elements come out H, W, C", () => {
    expect(transposes("flatten_dense_nhwc_order")).toBe(2);
  });

  it("elementwise ops, crop and pad work in the layout they are given", () => {
    expect(transposes("activations_channels_last_rank1")).toBe(0);
    expect(transposes("crop_unet_skip")).toBe(2);
  });

  it("reuses one transposed copy for every consumer", () => {
    // x→NCHW once (shared by conv and two concats), the conv outputs and relu(x) once each, two outputs back.
    expect(transposes("concat_axes_mixed_layouts")).toBe(6);
  });
});
