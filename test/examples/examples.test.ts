// Every example model is a test: `netc summary FILE --json` (the real CLI, as a subprocess)
// must report the published totals (spec section 10 and the task's reference counts).
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "../..");

const run = promisify(execFile);

/** Runs the CLI without blocking, so the concurrent tests overlap their start-up time. */
async function summary(file: string, ...args: string[]) {
  const { stdout } = await run("node", ["bin/netc.js", "summary", `examples/${file}`, "--json", ...args], {
    cwd: root,
    encoding: "utf8",
  });
  return JSON.parse(stdout);
}

describe.concurrent("example totals", async () => {
  it("seed_conv.net: 456 params, 21,780,000 MACs", async () => {
    const s = await summary("seed_conv.net");
    expect([s.params.total, s.macs, s.output]).toEqual([456, 21_780_000, [[220, 220, 6]]]);
  });

  it("lenet5.net: 61,706 params, 416,520 MACs, output [10]", async () => {
    const s = await summary("lenet5.net");
    expect([s.params.total, s.macs, s.output]).toEqual([61_706, 416_520, [[10]]]);
  });

  it("mobilenet_v1.net: 4,253,864 params (21,888 non-trainable), 568,740,352 MACs", async () => {
    const s = await summary("mobilenet_v1.net");
    expect(s.params).toEqual({ total: 4_253_864, trainable: 4_231_976, non_trainable: 21_888 });
    expect(s.macs).toBe(568_740_352);
    expect(s.output).toEqual([[1000]]);
  });

  it("mobilenet_v1.net with --param alpha=0.75: Keras's MobileNet(alpha=0.75) count", async () => {
    expect((await summary("mobilenet_v1.net", "--param", "alpha=0.75")).params.total).toBe(2_601_976);
  });

  it("vgg16.net: 138,357,544 params, 15,470,264,320 MACs, output [1000]", async () => {
    const s = await summary("vgg16.net");
    expect([s.params.total, s.macs, s.output]).toEqual([138_357_544, 15_470_264_320, [[1000]]]);
  });

  it("resnet18.net: 11,699,112 params (9,600 non-trainable), 1,814,073,344 MACs", async () => {
    const s = await summary("resnet18.net");
    expect(s.params).toEqual({ total: 11_699_112, trainable: 11_689_512, non_trainable: 9_600 });
    expect([s.macs, s.output]).toEqual([1_814_073_344, [[1000]]]);
  });

  it("efficientnet.net at phi = 0: torchvision efficientnet_b0", async () => {
    const s = await summary("efficientnet.net");
    expect(s.params).toEqual({ total: 5_330_564, trainable: 5_288_548, non_trainable: 42_016 });
    expect([s.macs, s.input]).toEqual([385_814_752, [[224, 224, 3]]]);
  });

  it("efficientnet.net at phi = 1: width 1.1, depth 1.2, 258x258", async () => {
    const s = await summary("efficientnet.net", "--param", "phi=1");
    expect(s.params).toEqual({ total: 9_177_562, trainable: 9_109_994, non_trainable: 67_568 });
    expect([s.macs, s.input]).toEqual([992_629_472, [[258, 258, 3]]]);
  });

  it("mobilenet_table3.net: full conv vs depthwise-separable (MobileNet paper, Table 3)", async () => {
    const full = await summary("mobilenet_table3.net", "--model", "FullConv");
    const separable = await summary("mobilenet_table3.net", "--model", "DepthwiseSeparable");
    expect([full.params.total, full.macs]).toEqual([2_359_296, 462_422_016]);
    expect([separable.params.total, separable.macs]).toEqual([266_752, 52_283_392]);
  });

  it("vit_b16.net: torchvision vit_b_16, 86,567,656 params, 17,563,828,224 MACs", async () => {
    const s = await summary("vit_b16.net");
    expect([s.params.total, s.macs, s.input, s.output]).toEqual([86_567_656, 17_563_828_224, [[224, 224, 3]], [[1000]]]);
  });

  it("gpt2.net: GPT-2 small with the tied head, 124,439,808 params, 145,824,153,600 MACs", async () => {
    const s = await summary("gpt2.net");
    expect([s.params.total, s.macs, s.input, s.output]).toEqual([124_439_808, 145_824_153_600, [[1024]], [[1024, 50257]]]);
  });

  it("bert_base.net: BERT-base with the pooler, 109,482,240 params, 48,318,971,904 MACs", async () => {
    const s = await summary("bert_base.net");
    expect([s.params.total, s.macs, s.input, s.output]).toEqual([109_482_240, 48_318_971_904, [[512], [512]], [[768]]]);
  });

  it("lstm_text.net: the Keras LSTM classifier, 2,609,473 params, 9,830,464 MACs", async () => {
    const s = await summary("lstm_text.net");
    expect([s.params.total, s.macs, s.input, s.output]).toEqual([2_609_473, 9_830_464, [[200]], [[1]]]);
    // The token-id input is marked int; float layers carry no dtype key.
    expect(s.layers.slice(0, 2)).toEqual([
      { name: "ids", op: "input", output: [200], dtype: "int", params: 0, macs: 0, line: 5 },
      { name: "embedding_0", op: "embedding", output: [200, 128], params: 2_560_000, macs: 0, line: 6 },
    ]);
  });
});
