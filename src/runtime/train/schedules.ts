// Learning-rate schedules as closed forms of t, the number of completed schedule units (epochs,
// or optimizer steps with `decay_per: step`), following torch.optim.lr_scheduler:
//   none                 base
//   step(every, γ)       base · γ^floor(t / every)                      (StepLR)
//   exponential(γ)       base · γ^t                                      (ExponentialLR)
//   exponential(rate=k)  base · e^(−k·t)
//   cosine(T, min)       min + (base − min) · (1 + cos(π·t/T)) / 2       (CosineAnnealingLR's
//                        `_get_closed_form_lr`; past T it keeps following the cosine, so the
//                        rate climbs back towards base over the next T units, exactly as torch)
// Warm-up over n units: lr(t) = lr_schedule(0) · (t + 1) / n for t < n, then lr_schedule(t − n).
// The first unit already trains (at base/n), the n-th at base·n/n = base, and the decay starts
// from its own t = 0 right after. This equals torch's SequentialLR of
// LinearLR(start_factor = 1/n, end_factor = 1, total_iters = n − 1) and the decay schedule with
// milestones = [n].

/** The train section's `decay` (src/ir/graph.ts TrainConfig["decay"] is this type). */
export type DecayConfig =
  | { readonly kind: "none" }
  | { readonly kind: "step"; readonly every: number; readonly gamma: number }
  | { readonly kind: "exponential"; readonly gamma: number }
  | { readonly kind: "exponential_rate"; readonly rate: number }
  | { readonly kind: "cosine"; readonly tMax: number; readonly minLr: number };

export interface ScheduleConfig {
  readonly decay: DecayConfig;
  readonly warmup: number;
  readonly decayPer: "epoch" | "step";
}

/** The learning rate for schedule position t (t = 0 is the first epoch or step). */
export function lrAt(schedule: Pick<ScheduleConfig, "decay" | "warmup">, baseLr: number, t: number): number {
  if (!Number.isInteger(t) || t < 0) throw new RangeError(`schedule position must be a non-negative integer, got ${t}`);
  const n = schedule.warmup;
  if (t < n) return (decayedLr(schedule.decay, baseLr, 0) * (t + 1)) / n;
  return decayedLr(schedule.decay, baseLr, t - n);
}

/** The schedule position for an optimizer step: the epoch index or the global step index. */
export function schedulePosition(decayPer: ScheduleConfig["decayPer"], epoch: number, globalStep: number): number {
  return decayPer === "epoch" ? epoch : globalStep;
}

function decayedLr(decay: DecayConfig, base: number, t: number): number {
  switch (decay.kind) {
    case "none":
      return base;
    case "step":
      return base * decay.gamma ** Math.floor(t / decay.every);
    case "exponential":
      return base * decay.gamma ** t;
    case "exponential_rate":
      return base * Math.exp(-decay.rate * t);
    case "cosine":
      return decay.minLr + ((base - decay.minLr) * (1 + Math.cos((Math.PI * t) / decay.tMax))) / 2;
  }
}
