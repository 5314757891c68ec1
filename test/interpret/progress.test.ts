import { describe, expect, it } from "vitest";
import { formatDuration, renderProgress } from "../../src/cli/progress.ts";

describe("progress bar", () => {
  it("shows epoch, step, loss, lr, throughput and ETA", () => {
    const line = renderProgress({ epoch: 2, epochs: 5, step: 63, steps: 125, loss: 0.29221, lr: 0.000976, imagesPerSecond: 1345.4 }, 3725);
    expect(line).toBe("epoch 2/5 ████████████░░░░░░░░░░░░ 63/125  loss 0.2922  lr 9.76e-4  1345 img/s  ETA 1:02:05");
  });

  it("formats durations and unknown ETAs", () => {
    expect(formatDuration(59.6)).toBe("01:00");
    expect(formatDuration(Infinity)).toBe("--:--");
  });
});
