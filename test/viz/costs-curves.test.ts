// Cost bars (MobileNet's Table 3 as a picture) and training curves from --json logs.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { check } from "../../src/check/index.ts";
import { parse } from "../../src/syntax/parse.ts";
import { costRows, renderCostSvg } from "../../src/viz/cost-bars.ts";
import { niceTicks } from "../../src/viz/chart.ts";
import { curvePanels, renderCurvesSvg, smooth } from "../../src/viz/curves.ts";
import { buildModelView } from "../../src/viz/model-view.ts";
import { parseRunLog, RunLogError } from "../../src/viz/run-log.ts";
import { count, seriesPoints, texts } from "./svg-parse.ts";

const table3 = readFileSync("examples/mobilenet_table3.net", "utf8");
const graphs = check(parse(table3).program).graphs;
const views = [...graphs.values()].map((g) => buildModelView(g, { source: table3 }));

describe("cost bars", () => {
  it("draws Table 3 of the MobileNet paper: full conv against depthwise separable", () => {
    const svg = renderCostSvg(views);
    const drawn = texts(svg);
    // Full 3x3 conv on 14x14x512: 2.36M params, 462M mult-adds; the factorised layer 0.27M / 52.3M.
    expect(drawn).toEqual(expect.arrayContaining(["FullConv", "2.36M params  462M MACs", "DepthwiseSeparable", "267K params  52.3M MACs"]));
    expect(drawn).toEqual(expect.arrayContaining(["conv_0", "depthwise_0", "pointwise_0", "2.36M (100%)", "262K (98%)", "51.4M (98%)"]));
    expect(count(svg, /class="bar params"/g)).toBe(3);
    expect(count(svg, /class="bar macs"/g)).toBe(3);
    // One scale for both panels: the pointwise MAC bar is 51.4M / 462M of the full conv's.
    const widths = [...svg.matchAll(/class="bar macs"[^>]* width="([\d.]+)"/g)].map((m) => Number(m[1]));
    expect(widths[2]! / widths[0]!).toBeCloseTo(51_380_224 / 462_422_016, 2);
  });

  it("has a row per box that holds params or does mult-adds", () => {
    const resnet = readFileSync("examples/resnet18.net", "utf8");
    const graph = [...check(parse(resnet).program).graphs.values()][0]!;
    const rows = costRows(buildModelView(graph, { source: resnet }));
    // The input, relu, maxpool and globalavgpool have neither (pooling does no mult-adds).
    expect(rows.map((r) => r.label)).toEqual([
      "conv_0", "batchnorm_0", "basic(64)", "basic(64)", "basic(128, stride = 2)", "basic(128)",
      "basic(256, stride = 2)", "basic(256)", "basic(512, stride = 2)", "basic(512)", "dense_0",
    ]);
    expect(rows.reduce((s, r) => s + r.params, 0)).toBe(graph.totals.params);
  });
});

const epoch = (e: number, extra: object = {}) =>
  JSON.stringify({ event: "epoch", epoch: e, loss: 1 / e, lr: 0.1 / e, images_per_s: 100, seconds: 1, ...extra });

describe("training curves", () => {
  const log = [
    epoch(1, { val: { loss: 0.9, accuracy: 0.5, macro_f1: 0.4, precision: [0.5, 0.5], recall: [1, 0] }, step_losses: [1.2, 1.0, 0.8] }),
    epoch(2, { val: { loss: 0.6, accuracy: 0.8, macro_f1: 0.7, precision: [0.8, 0.8], recall: [0.8, 0.8] }, step_losses: [0.7, 0.5, 0.45] }),
    epoch(3, { val: { loss: 0.5, accuracy: 0.9, macro_f1: 0.85, precision: [0.9, 0.9], recall: [0.9, 0.9] }, step_losses: [0.4, 0.35, 0.3] }),
    JSON.stringify({ event: "done", weights: "w.safetensors" }),
  ].join("\n");

  it("reads epochs, validation metrics (scalars only) and per-step losses from a --json log", () => {
    const run = parseRunLog("run.ndjson", log);
    expect(run.epochs.map((e) => e.epoch)).toEqual([1, 2, 3]);
    expect(run.epochs[1]!.val).toEqual({ loss: 0.6, accuracy: 0.8, macro_f1: 0.7 });
    expect(run.epochs[2]!.stepLosses).toEqual([0.4, 0.35, 0.3]);
  });

  it("draws one point per epoch for the loss, validation loss, each metric and the learning rate", () => {
    const svg = renderCurvesSvg([parseRunLog("run", log)]);
    for (const kind of ["train-loss", "val-loss", "val-accuracy", "val-macro_f1", "lr"]) expect(seriesPoints(svg, kind), kind).toBe(3);
    expect(svg).toContain('data-kind="step-loss"');
    expect(curvePanels([parseRunLog("run", log)]).map((p) => p.title)).toEqual(["loss", "validation accuracy", "validation macro_f1", "learning rate"]);
  });

  it("overlays several runs, each in its own colour", () => {
    const short = [epoch(1), epoch(2)].join("\n");
    const svg = renderCurvesSvg([parseRunLog("a", log), parseRunLog("b", short)]);
    expect(texts(svg)).toEqual(expect.arrayContaining(["a (3 epochs)", "b (2 epochs)"]));
    expect(count(svg, /data-kind="train-loss"/g)).toBe(2);
    expect(count(svg, /data-kind="lr"/g)).toBe(2);
  });

  it("draws a run whose values differ only by rounding (one step: its loss and the smoothed loss a ulp apart)", () => {
    // 0.8068262000543115 and its debiased moving average, 0.8068262000543116, once made the
    // y ticks' step smaller than an ulp: an endless loop.
    const svg = renderCurvesSvg([{ name: "one step", epochs: [{ epoch: 1, loss: 0.8068262000543115, lr: 0.001, stepLosses: [0.8068262000543115] }] }]);
    // The loss panel gets the range around the value, as for equal values: ticks 0.6, 0.8, 1.
    expect(texts(svg)).toEqual(expect.arrayContaining(["0.6", "0.8", "1"]));
    expect(niceTicks(0.8068262000543115, 0.8068262000543116)).toEqual([0.8068262000543115]);
  });

  it("smooths step losses with a debiased moving average", () => {
    expect(smooth([2, 2, 2])).toEqual([2, 2, 2].map((v) => expect.closeTo(v, 12)));
    const s = smooth([1, 0], 0.5);
    expect(s[1]).toBeCloseTo((0.25 * 1 + 0.5 * 0) / 0.75, 12);
  });

  it("a resumed run's repeated epoch replaces the earlier one", () => {
    const run = parseRunLog("r", [epoch(1), epoch(2, { loss: 9 }), epoch(2)].join("\n"));
    expect(run.epochs.map((e) => e.loss)).toEqual([1, 0.5]);
  });

  it("rejects a log without epochs and lines that are not JSON, naming the line", () => {
    expect(() => parseRunLog("empty.ndjson", JSON.stringify({ event: "done", weights: "w" }))).toThrow(RunLogError);
    expect(() => parseRunLog("empty.ndjson", "")).toThrow(/empty.ndjson: no epoch events/);
    expect(() => parseRunLog("bad.ndjson", `${epoch(1)}\nepoch 2/5 loss 0.3`)).toThrow(/bad.ndjson:2: not a JSON line/);
    expect(() => parseRunLog("x.ndjson", JSON.stringify({ event: "epoch", epoch: 1 }))).toThrow(/x.ndjson:1: .*numeric epoch, loss and lr/);
  });
});
