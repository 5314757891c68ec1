// Optimizers over flat Float32Array parameters, following torch.optim (PyTorch 1.13) update
// rules exactly, including the order of operations that decides rounding:
//   sgd      d = g + wd·p; buf = d (first step) else μ·buf + d; d = nesterov ? d + μ·buf : buf; p -= lr·d
//   rmsprop  g += wd·p; v = α·v + (1−α)·g²; avg = √v + ε; momentum μ>0: buf = μ·buf + g/avg, p -= lr·buf
//            else p -= lr·g/avg   (centered = false, as torch's default)
//   adam     g += wd·p (L2); m = β1·m + (1−β1)·g; v = β2·v + (1−β2)·g²;
//            p -= (lr / (1−β1^t)) · m / (√v / √(1−β2^t) + ε)
//   adamw    p *= 1 − lr·wd (decoupled), then adam without the L2 term
// The learning rate is passed to every step by the schedule. Only trainable parameters belong
// here (batchnorm running statistics are not optimised).

/** The train section's `optimizer` (src/ir/graph.ts TrainConfig["optimizer"] is this type). */
export type OptimizerConfig =
  | {
      readonly kind: "sgd";
      readonly lr: number;
      readonly momentum: number;
      readonly nesterov: boolean;
      readonly weightDecay: number;
    }
  | {
      readonly kind: "rmsprop";
      readonly lr: number;
      readonly alpha: number;
      readonly eps: number;
      readonly momentum: number;
      readonly weightDecay: number;
    }
  | {
      readonly kind: "adam" | "adamw";
      readonly lr: number;
      readonly beta1: number;
      readonly beta2: number;
      readonly eps: number;
      readonly weightDecay: number;
    };

/**
 * Everything needed to resume: the number of steps taken and the per-parameter buffers, keyed
 * `<param key>/<slot>` with slots as torch names them: `momentum_buffer`, `square_avg`,
 * `exp_avg`, `exp_avg_sq`.
 */
export interface OptimizerState {
  readonly kind: OptimizerConfig["kind"];
  readonly step: number;
  readonly slots: ReadonlyMap<string, Float32Array>;
}

export interface Optimizer {
  /** One update of every parameter in place, with the learning rate the schedule gives for this step. */
  step(params: ReadonlyMap<string, Float32Array>, grads: ReadonlyMap<string, Float32Array>, lr: number): void;
  /** Copies of the step count and buffers. */
  state(): OptimizerState;
  /** Restore a state saved by `state()` for the same kind and parameters. */
  loadState(saved: OptimizerState): void;
}

/** Slot names per optimizer; a slot exists only when the configuration needs it. */
function slotNames(config: OptimizerConfig): string[] {
  switch (config.kind) {
    case "sgd":
      return config.momentum !== 0 ? ["momentum_buffer"] : [];
    case "rmsprop":
      return config.momentum > 0 ? ["square_avg", "momentum_buffer"] : ["square_avg"];
    case "adam":
    case "adamw":
      return ["exp_avg", "exp_avg_sq"];
  }
}

/** `sizes` maps every trainable parameter key to its element count. */
export function createOptimizer(config: OptimizerConfig, sizes: ReadonlyMap<string, number>): Optimizer {
  const names = slotNames(config);
  let slots = new Map<string, Float32Array>();
  for (const [key, size] of sizes) for (const name of names) slots.set(`${key}/${name}`, new Float32Array(size));
  let steps = 0;

  const update = updateRule(config);
  return {
    step(params, grads, lr) {
      steps += 1;
      for (const [key, size] of sizes) {
        const p = params.get(key);
        const g = grads.get(key);
        if (p === undefined) throw new Error(`optimizer: parameter '${key}' is missing from the step's parameters`);
        if (g === undefined) throw new Error(`optimizer: gradient for '${key}' is missing`);
        if (p.length !== size || g.length !== size) {
          throw new Error(
            `optimizer: '${key}' expected ${size} values, got parameter ${p.length} and gradient ${g.length}`,
          );
        }
        update(p, g, (name) => slots.get(`${key}/${name}`)!, lr, steps);
      }
    },
    state: () => ({ kind: config.kind, step: steps, slots: new Map([...slots].map(([k, v]) => [k, v.slice()])) }),
    loadState(saved) {
      if (saved.kind !== config.kind) {
        throw new Error(`optimizer state is for ${saved.kind}, but the train section uses ${config.kind}`);
      }
      if (!Number.isInteger(saved.step) || saved.step < 0)
        throw new Error(`optimizer state: step must be a non-negative integer, got ${saved.step}`);
      const next = new Map<string, Float32Array>();
      for (const [key, buffer] of slots) {
        const restored = saved.slots.get(key);
        if (restored === undefined) throw new Error(`optimizer state: missing buffer '${key}'`);
        if (restored.length !== buffer.length) {
          throw new Error(`optimizer state: buffer '${key}' expected ${buffer.length} values, got ${restored.length}`);
        }
        next.set(key, restored.slice());
      }
      for (const key of saved.slots.keys()) {
        if (!slots.has(key)) throw new Error(`optimizer state: unexpected buffer '${key}' (no such parameter or slot)`);
      }
      slots = next;
      steps = saved.step;
    },
  };
}

type Update = (
  p: Float32Array,
  g: Float32Array,
  slot: (name: string) => Float32Array,
  lr: number,
  step: number,
) => void;

function updateRule(config: OptimizerConfig): Update {
  switch (config.kind) {
    case "sgd":
      return sgdUpdate(config.momentum, config.nesterov, config.weightDecay);
    case "rmsprop":
      return rmspropUpdate(config.alpha, config.eps, config.momentum, config.weightDecay);
    case "adam":
      return adamUpdate(config.beta1, config.beta2, config.eps, config.weightDecay, false);
    case "adamw":
      return adamUpdate(config.beta1, config.beta2, config.eps, config.weightDecay, true);
  }
}

function sgdUpdate(momentum: number, nesterov: boolean, wd: number): Update {
  return (p, g, slot, lr, step) => {
    const buf = momentum !== 0 ? slot("momentum_buffer") : undefined;
    for (let i = 0; i < p.length; i++) {
      let d = Math.fround(g[i] + wd * p[i]);
      if (buf !== undefined) {
        // torch clones d into the buffer on the first step (no dampening term then).
        buf[i] = step === 1 ? d : momentum * buf[i] + d;
        d = nesterov ? Math.fround(d + momentum * buf[i]) : buf[i];
      }
      p[i] -= lr * d;
    }
  };
}

function rmspropUpdate(alpha: number, eps: number, momentum: number, wd: number): Update {
  return (p, g, slot, lr) => {
    const v = slot("square_avg");
    const buf = momentum > 0 ? slot("momentum_buffer") : undefined;
    for (let i = 0; i < p.length; i++) {
      const gi = Math.fround(g[i] + wd * p[i]);
      v[i] = alpha * v[i] + (1 - alpha) * gi * gi;
      const avg = Math.fround(Math.fround(Math.sqrt(v[i])) + eps);
      if (buf !== undefined) {
        buf[i] = momentum * buf[i] + Math.fround(gi / avg);
        p[i] -= lr * buf[i];
      } else {
        p[i] -= lr * Math.fround(gi / avg);
      }
    }
  };
}

function adamUpdate(beta1: number, beta2: number, eps: number, wd: number, decoupled: boolean): Update {
  return (p, g, slot, lr, step) => {
    const m = slot("exp_avg");
    const v = slot("exp_avg_sq");
    const stepSize = lr / (1 - beta1 ** step);
    const bias2Sqrt = Math.sqrt(1 - beta2 ** step);
    const decay = decoupled ? 1 - lr * wd : 1;
    const l2 = decoupled ? 0 : wd;
    const [keep1, keep2] = [1 - beta1, 1 - beta2];
    // Each stored value is rounded to float32 where the arrays store it, as before; locals
    // hold those float32 values so nothing is read back from memory.
    for (let i = 0; i < p.length; i++) {
      const pi = Math.fround(p[i] * decay);
      const gi = Math.fround(g[i] + l2 * pi);
      const mi = Math.fround(beta1 * m[i] + keep1 * gi);
      const vi = Math.fround(beta2 * v[i] + keep2 * gi * gi);
      m[i] = mi;
      v[i] = vi;
      const denom = Math.fround(Math.fround(Math.sqrt(vi) / bias2Sqrt) + eps);
      p[i] = pi - stepSize * Math.fround(mi / denom);
    }
  };
}
