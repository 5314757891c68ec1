// Training runs as curves: read from `netc train --json` logs (NDJSON), or collected live.
// No node: imports: the text of a log goes in, plain data comes out.

export interface EpochPoint {
  readonly epoch: number;
  readonly loss: number;
  readonly lr: number;
  /** Validation loss and metrics (accuracy, macro_f1, ...), when the run validated. */
  readonly val?: Readonly<Record<string, number>>;
  /** The loss of every training step of the epoch, in order, when the log has them. */
  readonly stepLosses?: readonly number[];
}

export interface Run {
  readonly name: string;
  readonly epochs: readonly EpochPoint[];
}

/** A log that cannot be drawn; the message names the file and line. */
export class RunLogError extends Error {}

const isNumber = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);

/** The scalar entries of an epoch event's `val` object (lists such as per-class recall are left out). */
function scalarMetrics(val: unknown): Record<string, number> | undefined {
  if (typeof val !== "object" || val === null) return undefined;
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(val)) if (isNumber(v)) out[k] = v;
  return out;
}

/** The epochs of one `--json` log; other events (done, ...) are skipped. */
export function parseRunLog(name: string, text: string): Run {
  const epochs: EpochPoint[] = [];
  text.split("\n").forEach((line, i) => {
    if (line.trim() === "") return;
    let event: Record<string, unknown>;
    try {
      event = JSON.parse(line) as Record<string, unknown>;
    } catch {
      throw new RunLogError(`${name}:${i + 1}: not a JSON line; expected the output of \`netc train --json\``);
    }
    if (event?.event !== "epoch") return;
    if (!isNumber(event.epoch) || !isNumber(event.loss) || !isNumber(event.lr))
      throw new RunLogError(`${name}:${i + 1}: an epoch event needs numeric epoch, loss and lr`);
    const val = scalarMetrics(event.val);
    const steps = Array.isArray(event.step_losses) ? event.step_losses.filter(isNumber) : undefined;
    // A resumed run repeats epochs it had logged before it was interrupted: the later one wins.
    const at = epochs.findIndex((e) => e.epoch === event.epoch);
    const point: EpochPoint = {
      epoch: event.epoch,
      loss: event.loss,
      lr: event.lr,
      ...(val ? { val } : {}),
      ...(steps && steps.length > 0 ? { stepLosses: steps } : {}),
    };
    if (at >= 0) epochs[at] = point;
    else epochs.push(point);
  });
  if (epochs.length === 0)
    throw new RunLogError(`${name}: no epoch events; draw a log written by \`netc train ... --json > run.ndjson\` once an epoch has finished`);
  return { name, epochs: epochs.sort((a, b) => a.epoch - b.epoch) };
}
