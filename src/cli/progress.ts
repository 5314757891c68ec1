// A one-line progress bar for long runs, redrawn in place on a terminal (stderr): a status
// line at once ("loading mnist…"), then the epoch's bar with loss, learning rate, throughput,
// and two ETAs (this epoch's and the whole run's), fitted to the terminal's width. Silent when
// stderr is not a TTY so logs and pipes stay clean.
import type { StepProgress } from "../backends/interpret/trainer.ts";

/** What the bar shows of a step (the batch's own loss is for the curves, not the bar). */
export type BarProgress = Omit<StepProgress, "batchLoss">;
export type ProgressState = Omit<BarProgress, "etaSeconds">;

export interface Etas {
  /** Seconds left in this epoch. */
  readonly epoch: number;
  /** Seconds left in the whole run. */
  readonly run: number;
}

const BAR_WIDTH = 24;
const MIN_BAR_WIDTH = 8;

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

/** The ETAs from the run's: what is left of this epoch at the current rate. */
export function etasOf(p: BarProgress, samplesPerEpoch: number): Etas {
  const laterEpochs = ((p.epochs - p.epoch) * samplesPerEpoch) / p.imagesPerSecond;
  return { epoch: Math.max(0, p.etaSeconds - laterEpochs), run: p.etaSeconds };
}

/** The bar in at most `width` columns: the bar shrinks first, then the least useful parts go. */
export function renderProgress(p: ProgressState, etas: Etas, width = 120): string {
  const parts = {
    loss: `loss ${p.loss.toFixed(4)}`,
    lr: `lr ${p.lr.toExponential(2)}`,
    rate: `${Math.round(p.imagesPerSecond).toLocaleString("en-US")} img/s`,
  };
  const eta = p.epochs > 1 ? `ETA ${formatDuration(etas.epoch)} (run ${formatDuration(etas.run)})` : `ETA ${formatDuration(etas.run)}`;
  const line = (bar: number, shown: (keyof typeof parts)[]) => {
    const fraction = p.steps > 0 ? p.step / p.steps : 1;
    const filled = Math.round(fraction * bar);
    const drawn = "█".repeat(filled) + "░".repeat(bar - filled);
    return [`epoch ${p.epoch}/${p.epochs} ${drawn} ${p.step}/${p.steps}`, ...shown.map((k) => parts[k]), eta].join("  ");
  };
  let shown: (keyof typeof parts)[] = ["loss", "lr", "rate"];
  for (const drop of [undefined, "lr", "rate", "loss"] as const) {
    if (drop) shown = shown.filter((k) => k !== drop);
    const fixed = line(0, shown).length;
    const bar = Math.min(BAR_WIDTH, width - fixed);
    if (bar >= MIN_BAR_WIDTH) return line(bar, shown);
  }
  return line(MIN_BAR_WIDTH, shown).slice(0, width);
}

export class ProgressBar {
  private lastDraw = 0;
  private visible = false;

  constructor(private readonly stream: NodeJS.WriteStream = process.stderr) {}

  get enabled(): boolean {
    return Boolean(this.stream.isTTY);
  }

  /** Columns available (one is kept free so the cursor does not wrap). */
  private get width(): number {
    return (this.stream.columns || 80) - 1;
  }

  /** A status line such as "loading mnist…", shown until the bar replaces it. */
  status(text: string): void {
    if (!this.enabled) return;
    this.draw(text.length > this.width ? text.slice(0, this.width - 1) + "…" : text);
  }

  /** Redraws at most every 100 ms unless forced (the last step of an epoch). */
  update(p: BarProgress, epoch: { samplesPerEpoch: number }, force = false): void {
    if (!this.enabled) return;
    const now = Date.now();
    if (!force && now - this.lastDraw < 100) return;
    this.lastDraw = now;
    this.draw(renderProgress(p, etasOf(p, epoch.samplesPerEpoch), this.width));
  }

  /** Erases the bar so a normal line can be printed. */
  clear(): void {
    if (!this.visible) return;
    this.stream.write("\r\x1b[K");
    this.visible = false;
  }

  private draw(text: string): void {
    this.stream.write(`\r${text}\x1b[K`);
    this.visible = true;
  }
}
