import { describe, expect, it } from "vitest";
import { etasOf, formatDuration, ProgressBar, renderProgress } from "../../src/cli/progress.ts";
import { resumeCommand, shellQuote } from "../../src/cli/resume-hint.ts";

const state = { epoch: 2, epochs: 5, step: 63, steps: 125, loss: 0.29221, lr: 0.000976, imagesPerSecond: 1345.4 };

describe("progress bar", () => {
  it("shows epoch, step, loss, lr, throughput, the epoch's ETA and the run's", () => {
    const line = renderProgress(state, { epoch: 41, run: 3725 });
    expect(line).toBe(
      "epoch 2/5 ████████████░░░░░░░░░░░░ 63/125  loss 0.2922  lr 9.76e-4  1,345 img/s  ETA 00:41 (run 1:02:05)",
    );
  });

  it("splits the run's ETA into this epoch's and the later epochs'", () => {
    // 4,000 samples per epoch at 1,000 img/s: three later epochs take 12 s of the 15 s left.
    const etas = etasOf({ ...state, imagesPerSecond: 1000, etaSeconds: 15 }, 4000);
    expect(etas).toEqual({ epoch: 3, run: 15 });
  });

  it("fits the terminal: the bar shrinks, then lr, throughput and loss make room", () => {
    const etas = { epoch: 41, run: 3725 };
    for (const width of [200, 100, 80, 60, 40, 30]) expect(renderProgress(state, etas, width).length).toBeLessThanOrEqual(width);
    expect(renderProgress(state, etas, 80)).toBe("epoch 2/5 ██████░░░░░░ 63/125  loss 0.2922  1,345 img/s  ETA 00:41 (run 1:02:05)");
    expect(renderProgress(state, etas, 80)).not.toContain("lr ");
    expect(renderProgress(state, etas, 80)).toContain("ETA 00:41 (run 1:02:05)");
    expect(renderProgress(state, etas, 60)).toMatch(/^epoch 2\/5 █+░+ 63\/125 .*ETA 00:41 \(run 1:02:05\)$/);
  });

  it("formats durations and unknown ETAs", () => {
    expect(formatDuration(59.6)).toBe("01:00");
    expect(formatDuration(Infinity)).toBe("--:--");
  });
});

describe("ProgressBar on a terminal", () => {
  const terminal = (columns: number, isTTY = true) => {
    const written: string[] = [];
    const stream = { isTTY, columns, write: (s: string) => (written.push(s), true) } as unknown as NodeJS.WriteStream;
    return { stream, written };
  };

  it("shows a status line at once, then the bar in the terminal's width, and erases itself", () => {
    const { stream, written } = terminal(70);
    const bar = new ProgressBar(stream);
    bar.status("loading mnist…");
    expect(written).toEqual(["\rloading mnist…\x1b[K"]);
    bar.update({ ...state, etaSeconds: 3725 }, { samplesPerEpoch: 8000 }, true);
    const line = written[1]!.replace(/^\r/, "").replace(/\x1b\[K$/, "");
    expect(line.length).toBeLessThanOrEqual(69);
    expect(line).toMatch(/^epoch 2\/5 .*ETA /);
    bar.clear();
    expect(written[2]).toBe("\r\x1b[K");
  });

  it("is silent when stderr is not a terminal", () => {
    const { stream, written } = terminal(80, false);
    const bar = new ProgressBar(stream);
    bar.status("loading mnist…");
    bar.update({ ...state, etaSeconds: 10 }, { samplesPerEpoch: 8000 }, true);
    bar.clear();
    expect(written).toEqual([]);
  });
});

describe("resume hint", () => {
  it("is the complete command, quoted for the shell", () => {
    const command = resumeCommand(
      "my models/lenet.net",
      { model: "LeNet5", params: { width: 2, act: "it's" }, data: "x.npy,y.npy", batch: 64, json: false },
      { out: "runs/a b.safetensors", checkpoint: "runs/a b.ckpt.safetensors", epochs: 12 },
    );
    expect(command).toBe(
      "netc train 'my models/lenet.net' --model LeNet5 --param width=2 --param 'act=it'\\''s' --data x.npy,y.npy " +
        "--epochs 12 --batch 64 --resume 'runs/a b.ckpt.safetensors' --out 'runs/a b.safetensors'",
    );
    expect(shellQuote("plain/path.net")).toBe("plain/path.net");
  });
});
