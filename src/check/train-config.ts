// `train Name { ... }` and `predict Name { ... }` resolved to TrainConfig / PredictConfig
// (spec sections 5 and 6): keys and option words checked, defaults filled in.
import type { Diagnostic, Span } from "../diagnostics/diagnostic.ts";
import { diagnostic } from "../diagnostics/catalogue.ts";
import type { ConfigEntry, PredictDecl, TrainDecl } from "../syntax/ast.ts";
import type { PredictConfig, TrainConfig } from "../ir/graph.ts";
import { bindArgs, type ParamSig } from "./args.ts";
import { closest, didYouMeanText } from "./did-you-mean.ts";
import { evaluate, type EvalEnv } from "./evaluate.ts";
import { OpArgs } from "./op-args.ts";
import { describeValue, type SpannedArg, type SpannedValue } from "./value.ts";

type Signatures = Readonly<Record<string, readonly ParamSig[]>>;

const losses: Signatures = {
  cross_entropy: [{ name: "label_smoothing" }],
  binary_cross_entropy: [],
  kl_divergence: [],
  mse: [],
  dice: [{ name: "smooth" }],
};

const adamSig: readonly ParamSig[] = [
  { name: "lr" },
  { name: "beta1" },
  { name: "beta2" },
  { name: "eps" },
  { name: "weight_decay" },
];
const optimizers: Signatures = {
  sgd: [{ name: "lr", required: true }, { name: "momentum" }, { name: "nesterov" }, { name: "weight_decay" }],
  momentum: [{ name: "lr", required: true }, { name: "beta" }],
  rmsprop: [{ name: "lr" }, { name: "alpha" }, { name: "eps" }, { name: "momentum" }, { name: "weight_decay" }],
  adam: adamSig,
  adamw: adamSig,
};

const decays: Signatures = {
  none: [],
  step: [{ name: "every", required: true }, { name: "gamma" }],
  exponential: [{ name: "gamma" }, { name: "rate" }],
  cosine: [{ name: "t_max", required: true }, { name: "min_lr" }],
};

const augments: Signatures = {
  none: [],
  shift: [{ name: "pixels", required: true }],
};

const metrics: Signatures = {
  accuracy: [],
  macro_f1: [],
  dice: [],
  top_k: [{ name: "k", required: true }],
  perplexity: [],
};

const trainKeys = [
  "loss",
  "optimizer",
  "decay",
  "warmup",
  "decay_per",
  "batch",
  "epochs",
  "shuffle",
  "augment",
  "seed",
  "validation",
  "metrics",
];
const predictKeys = ["tiles", "batch"];

/** Defaults for keys the spec leaves open: Keras's batch size of 32 and 10 epochs. */
const DEFAULT_BATCH = 32;
const DEFAULT_EPOCHS = 10;

interface Chosen {
  readonly name: string;
  readonly args: OpArgs;
}

class ConfigReader {
  readonly values = new Map<string, { entry: ConfigEntry; value: SpannedValue }>();
  failed = false;

  constructor(
    private readonly section: string,
    private readonly entries: readonly ConfigEntry[],
    private readonly keys: readonly string[],
    private readonly env: EvalEnv,
  ) {
    for (const entry of entries) {
      const key = entry.key.name;
      if (!keys.includes(key)) {
        const suggestion = closest(key, keys);
        this.report(
          diagnostic("NET4001", entry.key.span, `unknown key '${key}' in a ${section} section${didYouMeanText(suggestion)}`, {
            fixes: suggestion
              ? [{ title: `change to '${suggestion}'`, edits: [{ span: entry.key.span, newText: suggestion }] }]
              : [],
          }),
        );
        continue;
      }
      const previous = this.values.get(key);
      if (previous) {
        this.report(
          diagnostic("NET4002", entry.key.span, `key '${key}' is given twice`, {
            related: [{ span: previous.entry.key.span, message: "first given here" }],
          }),
        );
        continue;
      }
      this.values.set(key, { entry, value: { value: evaluate(entry.value, env), span: entry.value.span } });
    }
  }

  report(d: Diagnostic): void {
    if (d.severity === "error") this.failed = true;
    this.env.report(d);
  }

  invalid(span: Span, message: string): undefined {
    this.report(diagnostic("NET4003", span, message));
    return undefined;
  }

  /** An option word, bare (`mse`) or with arguments (`adam(lr = 0.001)`), from `choices`. */
  choice(v: SpannedValue, what: string, choices: Signatures): Chosen | undefined {
    const value = v.value;
    if (value.kind === "unknown") return undefined;
    const name = value.kind === "word" ? value.name : value.kind === "call" ? value.name : undefined;
    const nameSpan = value.kind === "call" ? value.calleeSpan : v.span;
    const sig = name === undefined ? undefined : choices[name];
    if (name === undefined || !sig) {
      const suggestion = name === undefined ? undefined : closest(name, Object.keys(choices));
      const got = name === undefined ? describeValue(value) : `'${name}'`;
      this.report(
        diagnostic(
          "NET4003",
          nameSpan,
          `unknown ${what} ${got}; expected one of ${Object.keys(choices).join(", ")}${didYouMeanText(suggestion)}`,
          {
            fixes: suggestion ? [{ title: `change to '${suggestion}'`, edits: [{ span: nameSpan, newText: suggestion }] }] : [],
          },
        ),
      );
      return undefined;
    }
    const args: readonly SpannedArg[] = value.kind === "call" ? value.args : [];
    const bound = bindArgs(name, nameSpan, args, sig, (d) => this.report(d));
    if (!bound.complete) this.failed = true;
    return {
      name,
      args: new OpArgs(name, bound, nameSpan, {
        report: (d) => this.report(d),
        visibleNames: () => this.env.visibleNames(),
        labelNames: () => [],
      }),
    };
  }

  get(key: string): SpannedValue | undefined {
    return this.values.get(key)?.value;
  }

  require(key: string, span: Span): SpannedValue | undefined {
    const v = this.get(key);
    if (!v) {
      this.report(diagnostic("NET4004", span, `the ${this.section} section needs '${key}'`));
    }
    return v;
  }

  number(key: string, fallback: number, check: (n: number) => boolean, expected: string): number {
    const v = this.get(key);
    if (!v || v.value.kind === "unknown") return fallback;
    if (v.value.kind === "number" && check(v.value.value)) return v.value.value;
    this.invalid(v.span, `'${key}' must be ${expected}, got ${describeValue(v.value)}`);
    return fallback;
  }

  bool(key: string, fallback: boolean): boolean {
    const v = this.get(key);
    if (!v || v.value.kind === "unknown") return fallback;
    if (v.value.kind === "bool") return v.value.value;
    this.invalid(v.span, `'${key}' must be true or false, got ${describeValue(v.value)}`);
    return fallback;
  }
}

const isCount = (n: number) => Number.isInteger(n) && n >= 1;
const isNonNegativeInt = (n: number) => Number.isInteger(n) && n >= 0;

/** Returns undefined when the section has errors (reported). */
export function resolveTrain(decl: TrainDecl, env: EvalEnv): TrainConfig | undefined {
  const r = new ConfigReader("train", decl.entries, trainKeys, env);
  const lossValue = r.require("loss", decl.model.span);
  const optimizerValue = r.require("optimizer", decl.model.span);
  const loss = lossValue && readLoss(r, lossValue);
  const optimizer = optimizerValue && readOptimizer(r, optimizerValue);
  const decayValue = r.get("decay");
  const decay = decayValue ? readDecay(r, decayValue) : { kind: "none" as const };
  const decayPerValue = r.get("decay_per");
  let decayPer: "epoch" | "step" = "epoch";
  if (decayPerValue) {
    const v = decayPerValue.value;
    if (v.kind === "word" && (v.name === "epoch" || v.name === "step")) decayPer = v.name;
    else if (v.kind !== "unknown") r.invalid(decayPerValue.span, `'decay_per' must be epoch or step, got ${describeValue(v)}`);
  }
  const metricsValue = r.get("metrics");
  const metricList = metricsValue ? readMetrics(r, metricsValue, loss ? loss.kind : undefined) : [];
  // Every key is read (and reported) even when another one failed.
  const warmup = r.number("warmup", 0, isNonNegativeInt, "a non-negative integer");
  const batch = r.number("batch", DEFAULT_BATCH, isCount, "a positive integer");
  const epochs = r.number("epochs", DEFAULT_EPOCHS, isCount, "a positive integer");
  const shuffle = r.bool("shuffle", true);
  const augmentValue = r.get("augment");
  const augment = augmentValue ? readAugment(r, augmentValue) : { kind: "none" as const };
  const seed = r.number("seed", 0, isNonNegativeInt, "a non-negative integer");
  const validation = r.number("validation", 0.2, (n) => n >= 0 && n < 1, "a fraction in [0, 1)");
  if (!loss || !optimizer || !decay || !metricList || !augment) return undefined;
  const config: TrainConfig = {
    loss,
    optimizer,
    decay,
    warmup,
    decayPer,
    batch,
    epochs,
    shuffle,
    augment,
    seed,
    validation,
    metrics: metricList,
    span: decl.span,
  };
  return r.failed ? undefined : config;
}

function readLoss(r: ConfigReader, v: SpannedValue): TrainConfig["loss"] | undefined {
  const c = r.choice(v, "loss", losses);
  if (!c) return undefined;
  if (c.name === "cross_entropy") {
    const labelSmoothing = c.args.number("label_smoothing", 0);
    if (labelSmoothing === undefined) return undefined;
    if (labelSmoothing < 0 || labelSmoothing > 1)
      return r.invalid(c.args.spanOf("label_smoothing"), `label_smoothing must be in [0, 1], got ${labelSmoothing}`);
    return { kind: "cross_entropy", labelSmoothing };
  }
  if (c.name === "dice") {
    const smooth = c.args.number("smooth", 1);
    return smooth === undefined ? undefined : { kind: "dice", smooth };
  }
  return { kind: c.name as "binary_cross_entropy" | "kl_divergence" | "mse" };
}

function positiveLr(r: ConfigReader, c: Chosen, fallback?: number): number | undefined {
  const lr = c.args.number("lr", fallback);
  if (lr === undefined) return undefined;
  return lr > 0 ? lr : r.invalid(c.args.spanOf("lr"), `the learning rate must be positive, got ${lr}`);
}

function readOptimizer(r: ConfigReader, v: SpannedValue): TrainConfig["optimizer"] | undefined {
  const c = r.choice(v, "optimizer", optimizers);
  if (!c) return undefined;
  const a = c.args;
  switch (c.name) {
    case "sgd":
    case "momentum": {
      const lr = positiveLr(r, c);
      const momentum = c.name === "momentum" ? a.number("beta", 0.9) : a.number("momentum", 0);
      const nesterov = a.bool("nesterov", false);
      const weightDecay = a.number("weight_decay", 0);
      if (lr === undefined || momentum === undefined || nesterov === undefined || weightDecay === undefined) return undefined;
      return { kind: "sgd", lr, momentum, nesterov, weightDecay };
    }
    case "rmsprop": {
      const lr = positiveLr(r, c, 0.01);
      const alpha = a.number("alpha", 0.99);
      const eps = a.number("eps", 1e-8);
      const momentum = a.number("momentum", 0);
      const weightDecay = a.number("weight_decay", 0);
      if (lr === undefined || alpha === undefined || eps === undefined || momentum === undefined || weightDecay === undefined)
        return undefined;
      return { kind: "rmsprop", lr, alpha, eps, momentum, weightDecay };
    }
    default: {
      const kind = c.name as "adam" | "adamw";
      const lr = positiveLr(r, c, 0.001);
      const beta1 = a.number("beta1", 0.9);
      const beta2 = a.number("beta2", 0.999);
      const eps = a.number("eps", 1e-8);
      const weightDecay = a.number("weight_decay", kind === "adamw" ? 0.01 : 0);
      if (lr === undefined || beta1 === undefined || beta2 === undefined || eps === undefined || weightDecay === undefined)
        return undefined;
      return { kind, lr, beta1, beta2, eps, weightDecay };
    }
  }
}

function readDecay(r: ConfigReader, v: SpannedValue): TrainConfig["decay"] | undefined {
  const c = r.choice(v, "decay schedule", decays);
  if (!c) return undefined;
  const a = c.args;
  switch (c.name) {
    case "none":
      return { kind: "none" };
    case "step": {
      const every = a.count("every");
      const gamma = a.number("gamma", 0.1);
      return every === undefined || gamma === undefined ? undefined : { kind: "step", every, gamma };
    }
    case "exponential": {
      if (a.has("gamma") === a.has("rate")) {
        return r.invalid(v.span, "exponential takes either gamma (lr·γ^t) or rate = k (lr·e^(−k·t)), exactly one");
      }
      if (a.has("rate")) {
        const rate = a.number("rate");
        return rate === undefined ? undefined : { kind: "exponential_rate", rate };
      }
      const gamma = a.number("gamma");
      return gamma === undefined ? undefined : { kind: "exponential", gamma };
    }
    default: {
      const tMax = a.count("t_max");
      const minLr = a.number("min_lr", 0);
      return tMax === undefined || minLr === undefined ? undefined : { kind: "cosine", tMax, minLr };
    }
  }
}

function readAugment(r: ConfigReader, v: SpannedValue): TrainConfig["augment"] | undefined {
  const c = r.choice(v, "augmentation", augments);
  if (!c) return undefined;
  if (c.name === "none") return { kind: "none" };
  const pixels = c.args.count("pixels");
  return pixels === undefined ? undefined : { kind: "shift", pixels };
}

/** `loss`: the section's loss kind when it was read; perplexity (e^loss) needs cross-entropy. */
function readMetrics(r: ConfigReader, v: SpannedValue, loss: string | undefined): TrainConfig["metrics"] | undefined {
  const items = v.value.kind === "list" ? v.value.items : [v];
  const out: TrainConfig["metrics"][number][] = [];
  for (const item of items) {
    const c = r.choice(item, "metric", metrics);
    if (!c) return undefined;
    if (c.name === "perplexity" && loss !== undefined && loss !== "cross_entropy")
      return r.invalid(item.span, `perplexity is e^loss of a cross-entropy model, but the loss is ${loss}; use loss: cross_entropy`);
    if (c.name === "top_k") {
      const k = c.args.count("k");
      if (k === undefined) return undefined;
      out.push({ kind: "top_k", k });
    } else {
      out.push({ kind: c.name as "accuracy" | "macro_f1" | "dice" | "perplexity" });
    }
  }
  return out;
}

const overlapSig: Signatures = { overlap: [{ name: "tile", required: true }, { name: "pad" }, { name: "margin" }] };

export function resolvePredict(decl: PredictDecl, env: EvalEnv): PredictConfig | undefined {
  const r = new ConfigReader("predict", decl.entries, predictKeys, env);
  const tilesValue = r.get("tiles");
  let tiles: PredictConfig["tiles"];
  if (tilesValue) {
    const c = r.choice(tilesValue, "tiling", overlapSig);
    const tile = c?.args.count("tile");
    const pad = c?.args.option("pad", ["mirror", "zero"] as const, "mirror");
    const margin = c?.args.int("margin", 0, 0);
    if (tile !== undefined && pad !== undefined && margin !== undefined) tiles = { tile, margin, pad };
  }
  const batchValue = r.get("batch");
  const batch = batchValue ? r.number("batch", 1, isCount, "a positive integer") : undefined;
  if (r.failed) return undefined;
  return { ...(tiles ? { tiles } : {}), ...(batch !== undefined ? { batch } : {}), span: decl.span };
}
