// examples/unet_small.net: its shapes and totals, and overlap-tile prediction with it on the
// runtime equal to one pass over the whole mirror-padded image.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { padImage, predictTiled } from "../../src/backends/tiling/index.ts";
import { check } from "../../src/check/index.ts";
import { generateNuclei } from "../../src/data/nuclei.ts";
import type { Graph } from "../../src/ir/graph.ts";
import { createExecutor, initializeParams } from "../../src/runtime/index.ts";
import { parse } from "../../src/syntax/parse.ts";

const source = readFileSync(new URL("../../examples/unet_small.net", import.meta.url), "utf8");

function checked(params: Record<string, number> = {}) {
  const parsed = parse(source);
  expect(parsed.diagnostics).toEqual([]);
  return check(parsed.program, { params });
}

function unet(params: Record<string, number> = {}): Graph {
  const result = checked(params);
  expect(result.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  return result.graphs.get("UNetSmall")!;
}

describe("examples/unet_small.net", () => {
  it("checks: 96×96 in, the central 56×56 out, 29,321 params, 29,684,512 MACs", () => {
    const result = checked();
    expect(result.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    const graph = result.graphs.get("UNetSmall")!;
    expect(graph.nodes[graph.inputs[0]].shape).toEqual([96, 96, 1]);
    expect(graph.nodes[graph.outputs[0]].shape).toEqual([56, 56, 1]);
    expect(graph.totals.params).toBe(29321);
    expect(graph.totals.macs).toBe(29684512);
    expect(graph.train?.loss).toEqual({ kind: "dice", smooth: 1 });
    expect(graph.train?.metrics).toEqual([{ kind: "dice" }, { kind: "macro_f1" }]);
    expect(graph.predict?.tiles).toEqual({ tile: 96, margin: 0, pad: "mirror" });
  });

  it("takes any input size that is a multiple of 4, and rejects others at a shape assertion", () => {
    expect(unet({ size: 152 }).nodes.at(-1)!.shape).toEqual([112, 112, 1]);
    // 98 − 4 = 94 pools to 47, then 43 pools unevenly: the assertion size / 4 − 7 = 17.5 catches it.
    const odd = checked({ size: 98 });
    expect(odd.graphs.has("UNetSmall")).toBe(false);
    expect(odd.diagnostics.map((d) => [d.severity, d.code])).toContainEqual(["error", "NET3002"]);
  });

  it("tiles a 112×112 image into exactly the prediction of the whole mirror-padded image", () => {
    const tileGraph = unet();
    const weights = initializeParams(tileGraph, 5);
    const tiled = createExecutor(tileGraph, { maxBatch: 4, training: false });
    tiled.setParams(weights);
    const image = generateNuclei({ count: 1, size: 112, seed: 9 }).images;
    const result = predictTiled(tiled, image, [1, 112, 112, 1], tileGraph.predict?.tiles);

    // The same weights on a 152×152 input: 112 + 2·20 of mirror-padded context, one pass.
    const whole = createExecutor(unet({ size: 152 }), { maxBatch: 1, training: false });
    whole.setParams(weights);
    const expected = whole.forward([padImage(image, [112, 112, 1], [20, 20, 20, 20])], 1)[0].subarray(0, 112 * 112);
    let worst = 0;
    for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(result.data[i] - expected[i]));
    expect(worst).toBeLessThan(1e-5);
    // Not a constant map: the comparison above has something to compare.
    expect(Math.max(...expected) - Math.min(...expected)).toBeGreaterThan(0.01);
  });
});
