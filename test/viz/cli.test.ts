// `netc viz`, `netc plot` and `netc train --plot` as a user runs them: real processes, real files.
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { renderDiagnostics } from "../../src/diagnostics/render.ts";
import { writeNpy } from "../../src/io/npy.ts";
import { check } from "../../src/check/index.ts";
import { parse } from "../../src/syntax/parse.ts";
import { count, edges, pngSize, seriesPoints, texts } from "./svg-parse.ts";

const dir = mkdtempSync(join(tmpdir(), "netc-viz-"));

function netc(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile("node", ["bin/netc.js", ...args], { encoding: "utf8", maxBuffer: 64 << 20 }, (error, stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr }),
    );
  });
}

// LeNet-5 with a typo'd label: one error.
const broken = join(dir, "broken.net");
writeFileSync(
  broken,
  `model Broken {
  input x: [28, 28, 1]
  conv(6, 5x5) -> c1
  relu
  from c2
  dense(10)
}
`,
);

const blobs = join(dir, "blobs.net");
writeFileSync(
  blobs,
  `model Blobs {
  input x: [4, 4, 1]
  flatten
  dense(8)
  relu
  dense(2)
  softmax
}
train Blobs {
  loss: cross_entropy
  optimizer: adam(lr = 0.05)
  batch: 4
  epochs: 3
  validation: 0.25
  metrics: [accuracy]
}`,
);
const samples = 40;
writeNpy(join(dir, "x.npy"), {
  shape: [samples, 4, 4, 1],
  data: Float32Array.from({ length: samples * 16 }, (_, i) => (Math.floor(i / 16) % 2) * 0.8 + ((i * 7919) % 13) / 40),
});
writeNpy(join(dir, "y.npy"), { shape: [samples], data: Int32Array.from({ length: samples }, (_, i) => i % 2) });

describe("netc viz", () => {
  it("writes the SVG to stdout without -o", async () => {
    const r = await netc("viz", "examples/lenet5.net");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.startsWith("<svg")).toBe(true);
    const graph = [...check(parse(readFileSync("examples/lenet5.net", "utf8")).program).graphs.values()][0]!;
    expect(count(r.stdout, /<g class="node"/g)).toBe(graph.nodes.length);
    expect(edges(r.stdout)).toHaveLength(graph.nodes.length - 1);
    expect(texts(r.stdout)).toContain("61.7K params  417K MACs  14 boxes");
  });

  it("writes a PNG of twice the SVG's size with -o model.png", async () => {
    const png = join(dir, "resnet.png");
    const [r, svg] = await Promise.all([netc("viz", "examples/resnet18.net", "-o", png), netc("viz", "examples/resnet18.net")]);
    expect(r.code, r.stderr).toBe(0);
    const [, w, h] = /<svg[^>]* width="(\d+)" height="(\d+)"/.exec(svg.stdout)!;
    expect(pngSize(readFileSync(png))).toEqual({ width: 2 * Number(w), height: 2 * Number(h) });
  });

  it("draws every model of a file as cost bars, and --compare puts another file's beside them", async () => {
    const out = join(dir, "costs.svg");
    const [both, compared] = await Promise.all([
      netc("viz", "examples/mobilenet_table3.net", "--costs", "-o", out),
      netc("viz", "examples/mobilenet_table3.net", "--model", "FullConv", "--compare", "examples/lenet5.net"),
    ]);
    expect(both.code, both.stderr).toBe(0);
    expect(texts(readFileSync(out, "utf8"))).toEqual(expect.arrayContaining(["FullConv", "DepthwiseSeparable", "2.36M (100%)"]));
    expect(compared.code, compared.stderr).toBe(0);
    expect(count(compared.stdout, /<g class="panel" data-model="(FullConv|LeNet5)"/g)).toBe(2);
  });

  it("refuses an unknown picture format with a usage error naming the supported ones", async () => {
    const out = join(dir, "model.jpg");
    const r = await netc("viz", "examples/lenet5.net", "-o", out);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`netc: error: -o ${out}: unknown picture format '.jpg'; use .svg or .png\n`);
    expect(existsSync(out)).toBe(false);
  });

  it("draws nothing for a file with errors and prints its diagnostics as netc check does", async () => {
    const out = join(dir, "broken.svg");
    const [r, checked] = await Promise.all([netc("viz", broken, "-o", out), netc("check", broken)]);
    expect(r.code).toBe(1);
    expect(existsSync(out)).toBe(false);
    const text = readFileSync(broken, "utf8");
    const errors = check(parse(text).program).diagnostics.filter((d) => d.severity === "error");
    expect(r.stderr).toBe(renderDiagnostics(broken, text, errors));
    expect(checked.stdout).toContain(r.stderr);
    expect(r.stderr).toContain("unknown label 'c2'");
  });
});

describe("netc train --plot and netc plot", () => {
  it("redraws the curves each epoch, logs per-step losses, and netc plot redraws them from the log", async () => {
    const curves = join(dir, "curves.svg");
    const data = `${join(dir, "x.npy")},${join(dir, "y.npy")}`;
    const r = await netc("train", blobs, "--data", data, "--json", "--out", join(dir, "w.safetensors"), "--plot", curves);
    expect(r.code, r.stderr).toBe(0);
    const events = r.stdout.trim().split("\n").map((l) => JSON.parse(l));
    // 30 training samples (validation 0.25 of 40) in batches of 4: 8 steps per epoch.
    for (const e of events.filter((e) => e.event === "epoch")) expect(e.step_losses).toHaveLength(8);
    const live = readFileSync(curves, "utf8");
    for (const kind of ["train-loss", "val-loss", "val-accuracy", "lr"]) expect(seriesPoints(live, kind), kind).toBe(3);

    const log = join(dir, "run.ndjson");
    writeFileSync(log, r.stdout);
    const again = join(dir, "again.png");
    const plotted = await netc("plot", log, log.replace("run", "run"), "-o", again);
    expect(plotted.code, plotted.stderr).toBe(0);
    expect(pngSize(readFileSync(again)).width).toBeGreaterThan(800);

    const noEpochs = join(dir, "empty.ndjson");
    writeFileSync(noEpochs, JSON.stringify({ event: "done", weights: "w.safetensors" }) + "\n");
    const [empty, badFormat] = await Promise.all([netc("plot", noEpochs, "-o", join(dir, "e.svg")), netc("plot", log, "-o", join(dir, "c.gif"))]);
    expect(empty.code).toBe(1);
    expect(empty.stderr).toMatch(/^netc: error: .*empty\.ndjson: no epoch events; draw a log written by `netc train .* --json/);
    expect(badFormat.code).toBe(2);
    expect(badFormat.stderr).toContain("use .svg or .png");
  });
});
