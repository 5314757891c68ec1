// A one-line progress bar for long runs, redrawn in place on a terminal (stderr).
// Silent when stderr is not a TTY so logs and pipes stay clean.
import type { StepProgress } from "../backends/interpret/trainer.ts";

export type ProgressState = Omit<StepProgress, "etaSeconds" | "batchLoss">;

const BAR_WIDTH = 24;

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return "--:--";
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const mm = String(m).padStart(2, "0");
  const ss = String(sec).padStart(2, "0");
  return h > 0 ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}

export function renderProgress(p: ProgressState, etaSeconds: number): string {
  const fraction = p.steps > 0 ? p.step / p.steps : 1;
  const filled = Math.round(fraction * BAR_WIDTH);
  const bar = "█".repeat(filled) + "░".repeat(BAR_WIDTH - filled);
  return (
    `epoch ${p.epoch}/${p.epochs} ${bar} ${p.step}/${p.steps}` +
    `  loss ${p.loss.toFixed(4)}  lr ${p.lr.toExponential(2)}` +
    `  ${Math.round(p.imagesPerSecond)} img/s  ETA ${formatDuration(etaSeconds)}`
  );
}

export class ProgressBar {
  private lastDraw = 0;
  private visible = false;

  constructor(private readonly stream: NodeJS.WriteStream = process.stderr) {}

  get enabled(): boolean {
    return Boolean(this.stream.isTTY);
  }

  /** Redraws at most every 100 ms unless forced (the last step of an epoch). */
  update(p: ProgressState, etaSeconds: number, force = false): void {
    if (!this.enabled) return;
    const now = Date.now();
    if (!force && now - this.lastDraw < 100) return;
    this.lastDraw = now;
    const width = this.stream.columns ?? 120;
    this.stream.write(`\r${renderProgress(p, etaSeconds).slice(0, width - 1)}\x1b[K`);
    this.visible = true;
  }

  /** Erases the bar so a normal line can be printed. */
  clear(): void {
    if (!this.visible) return;
    this.stream.write("\r\x1b[K");
    this.visible = false;
  }
}
