// TrainConfig → train.py: the train section as PyTorch code (loss with netc's fusion of a final
// softmax/sigmoid, optimizer, schedule, metrics), then the fixed driver in python/train_core.py
// (data, netc's sample order, DDP under torchrun, checkpoints, epoch lines and --json events).
// Only the loss, optimizer, schedule and metrics the section uses are emitted.
import type { TrainConfig } from "../../ir/graph.ts";
import { planLoss, type LossPlan } from "../../runtime/train/losses.ts";
import { pythonFile } from "./python-files.ts";
import { docstring, pyBool, pyCall, pyFloat, pyName, pyString, pyTuple, wrapLine } from "./python-source.ts";


export interface TrainEmitOptions {
  readonly className: string;
  readonly inputShape: readonly number[];
  readonly outputShape: readonly number[];
  /** Whether the input is token ids (`input ids: [T] int`). */
  readonly tokenIds: boolean;
  /** The model's last op, which decides what the loss reads (planLoss). */
  readonly lastOp: string;
}

/** The final op the loss fuses (the module's `logits=True`), if any. */
export function fusedFinalOp(config: TrainConfig, lastOp: string): string | undefined {
  return planLoss(config.loss.kind, lastOp).consumes === "last_op_input" ? lastOp : undefined;
}

const fn = (signature: string, doc: string, body: readonly string[]): string[] => [
  `def ${signature}:`,
  ...docstring(4, doc),
  ...body.map((l) => (l === "" ? "" : `    ${l}`)),
];

/** `loss_fn` after the `dense_target` helper it calls. */
const withDenseTarget = (lossFn: readonly string[]): string[] => [...DENSE_TARGET, "", "", ...lossFn];

const DENSE_TARGET = fn("dense_target(target, classes)", "Class indices as one-hot rows; dense labels as they are.", [
  "if target.is_floating_point():",
  "    return target",
  "return F.one_hot(target, classes).float()",
]);

function lossSection(config: TrainConfig, plan: LossPlan): string[] {
  const loss = config.loss;
  const reads = { logits: "logits", log_probabilities: "log-probabilities", probabilities: "probabilities", values: "values" }[
    plan.input
  ];
  const dense = "target = dense_target(target, output.shape[-1])";
  switch (loss.kind) {
    case "cross_entropy": {
      const eps = loss.labelSmoothing;
      const doc = `cross_entropy${eps ? `(label_smoothing = ${eps})` : ""} on ${reads}; rows on the last axis.`;
      if (plan.input === "logits") {
        return fn("loss_fn(output, target)", doc, [
          "classes = output.shape[-1]",
          "if target.is_floating_point():  # one-hot or soft labels",
          "    target = target.reshape(-1, classes)",
          "else:  # class indices",
          "    target = target.reshape(-1)",
          `return ${pyCall("F.cross_entropy", ["output.reshape(-1, classes)", "target"], { label_smoothing: eps ? pyFloat(eps) : undefined })}`,
        ]);
      }
      return withDenseTarget(
        fn("loss_fn(output, target)", doc, [
          "classes = output.shape[-1]",
          `target = dense_target(target, classes)${eps ? ` * ${pyFloat(1 - eps)} + ${pyFloat(eps)} / classes` : ""}`,
          "return -(target * output).sum() / (output.numel() // classes)",
        ]),
      );
    }
    case "kl_divergence": {
      const logq = plan.input === "logits" ? "F.log_softmax(output, -1)" : "output";
      return withDenseTarget(
        fn("loss_fn(output, target)", `kl_divergence on ${reads}, summed and divided by the batch size.`, [
          dense,
          `return F.kl_div(${logq}, target, reduction="sum") / len(output)`,
        ]),
      );
    }
    case "binary_cross_entropy": {
      const call = plan.input === "logits" ? "F.binary_cross_entropy_with_logits" : "F.binary_cross_entropy";
      return withDenseTarget(
        fn("loss_fn(output, target)", `binary_cross_entropy on ${reads}, the mean over elements.`, [
          dense,
          `return ${call}(output, target)`,
        ]),
      );
    }
    case "mse":
      return withDenseTarget(
        fn("loss_fn(output, target)", "mse, the mean over elements.", [dense, "return F.mse_loss(output, target)"]),
      );
    case "dice":
      return withDenseTarget(
        fn("loss_fn(output, target)", `dice(smooth = ${loss.smooth}): 1 - soft Dice per sample, mean over the batch.`, [
          "target = dense_target(target, output.shape[-1]).flatten(1)",
          "output = output.flatten(1)",
          "overlap = (output * target).sum(1)",
          "sizes = output.sum(1) + target.sum(1)",
          `return (1 - (2 * overlap + ${pyFloat(loss.smooth)}) / (sizes + ${pyFloat(loss.smooth)})).mean()`,
        ]),
      );
  }
}

function readsSection(fused: string | undefined): string[] {
  const input = fused
    ? fn("loss_input(model, x)", `What the loss reads: the input of the final ${fused}, which it fuses, as netc.`, [
        "return model(x, logits=True)",
      ])
    : fn("loss_input(model, x)", "What the loss reads: the model's output.", ["return model(x)"]);
  const probabilities =
    fused === "softmax"
      ? ["return torch.softmax(values, -1)"]
      : fused === "sigmoid"
        ? ["return torch.sigmoid(values)"]
        : ["return values"];
  return [...input, "", "", ...fn("probabilities(values)", "The model's output from what the loss reads, for the metrics.", probabilities)];
}

function optimizerSection(config: TrainConfig): string[] {
  const o = config.optimizer;
  const nonZero = (v: number): string | undefined => (v === 0 ? undefined : pyFloat(v));
  let call: string;
  let slots: string[];
  let stepEntry: string;
  switch (o.kind) {
    case "sgd":
      call = pyCall("torch.optim.SGD", ["parameters"], {
        lr: pyFloat(o.lr),
        momentum: nonZero(o.momentum),
        nesterov: o.nesterov ? "True" : undefined,
        weight_decay: nonZero(o.weightDecay),
      });
      slots = o.momentum !== 0 ? ["momentum_buffer"] : [];
      stepEntry = "{}";
      break;
    case "rmsprop":
      call = pyCall("torch.optim.RMSprop", ["parameters"], {
        lr: pyFloat(o.lr),
        alpha: pyFloat(o.alpha),
        eps: pyFloat(o.eps),
        momentum: nonZero(o.momentum),
        weight_decay: nonZero(o.weightDecay),
      });
      slots = o.momentum > 0 ? ["square_avg", "momentum_buffer"] : ["square_avg"];
      stepEntry = '{"step": step}';
      break;
    case "adam":
    case "adamw":
      call = pyCall(o.kind === "adam" ? "torch.optim.Adam" : "torch.optim.AdamW", ["parameters"], {
        lr: pyFloat(o.lr),
        betas: pyTuple([pyFloat(o.beta1), pyFloat(o.beta2)]),
        eps: pyFloat(o.eps),
        weight_decay: o.kind === "adamw" ? pyFloat(o.weightDecay) : nonZero(o.weightDecay),
      });
      slots = ["exp_avg", "exp_avg_sq"];
      stepEntry = '{"step": torch.tensor(float(step))}';
      break;
  }
  return [
    `OPTIMIZER = ${pyString(o.kind)}`,
    `SLOTS = ${slots.length === 0 ? "()" : pyTuple(slots.map(pyString))}  # its buffers, as torch and netc name them`,
    "",
    "",
    ...fn("make_optimizer(parameters)", "The train section's optimizer (weight decay as netc applies it).", [`return ${call}`]),
    "",
    "",
    ...fn("step_entry(step)", "torch's per-parameter step count, restored with the buffers on --resume.", [`return ${stepEntry}`]),
  ];
}

function decayExpression(config: TrainConfig): { expr: string; doc: string } {
  const base = pyFloat(config.optimizer.lr);
  const d = config.decay;
  switch (d.kind) {
    case "none":
      return { expr: base, doc: `${config.optimizer.lr}` };
    case "step":
      return { expr: `${base} * ${pyFloat(d.gamma)} ** (t // ${d.every})`, doc: `step(every = ${d.every}, gamma = ${d.gamma})` };
    case "exponential":
      return { expr: `${base} * ${pyFloat(d.gamma)} ** t`, doc: `exponential(gamma = ${d.gamma})` };
    case "exponential_rate":
      return { expr: `${base} * math.exp(${pyFloat(-d.rate)} * t)`, doc: `exponential(rate = ${d.rate})` };
    case "cosine": {
      const wave = `(1 + math.cos(math.pi * t / ${d.tMax})) / 2`;
      const expr =
        d.minLr === 0
          ? `${base} * ${wave}`
          : `${pyFloat(d.minLr)} + (${base} - ${pyFloat(d.minLr)}) * ${wave}`;
      return { expr, doc: `cosine(t_max = ${d.tMax}, min_lr = ${d.minLr})` };
    }
  }
}

function scheduleSection(config: TrainConfig): string[] {
  const { expr, doc } = decayExpression(config);
  const unit = config.decayPer === "epoch" ? "epochs" : "optimizer steps";
  const n = config.warmup;
  if (n === 0) return fn("learning_rate(t)", `The rate at ${unit} t: ${doc}.`, [`return ${expr}`]);
  return [
    ...fn("decayed(t)", `The decay: ${doc}.`, [`return ${expr}`]),
    "",
    "",
    ...fn("learning_rate(t)", `The rate at ${unit} t: ${n} units of linear warm-up, then the decay.`, [
      `if t < ${n}:`,
      `    return decayed(0) * (t + 1) / ${n}`,
      `return decayed(t - ${n})`,
    ]),
  ];
}

const MACRO_F1 = fn("macro_f1(confusion)", "Mean F1 over the classes in the truth or the predictions (sklearn's macro).", [
  "hits = np.diag(confusion)",
  "sizes = confusion.sum(0) + confusion.sum(1)",
  "present = sizes > 0",
  "return float(np.mean(2 * hits[present] / sizes[present])) if present.any() else 0.0",
]);

const TOP_K = fn("top_k_hits(values, truth, k)", "Rows whose true class is among the k highest scores (ties: lower class first).", [
  "rows = values.reshape(-1, values.shape[-1]).cpu().numpy()",
  "score = rows[np.arange(len(rows)), truth][:, None]",
  "lower = np.arange(rows.shape[1]) < truth[:, None]",
  "rank = (rows > score).sum(1) + ((rows == score) & lower).sum(1)",
  "return int((rank < k).sum())",
]);

function diceMetric(classes: number): string[] {
  const scored = classes === 1 ? "(1,)" : `range(${classes})`;
  return fn("dice_sum(predicted, truth, samples)", "Sum over samples of the hard Dice, averaged over the scored classes.", [
    "predicted = predicted.reshape(samples, -1)",
    "truth = truth.reshape(samples, -1)",
    `scored = ${scored}`,
    "total = np.zeros(samples)",
    "for c in scored:",
    "    both = ((predicted == c) & (truth == c)).sum(1)",
    "    sizes = (predicted == c).sum(1) + (truth == c).sum(1)",
    "    total += np.where(sizes == 0, 1.0, 2 * both / np.maximum(sizes, 1))",
    "return float((total / len(scored)).sum())",
  ]);
}

function metricsSection(config: TrainConfig, classes: number): string[] {
  const helpers: string[][] = [];
  const updates: string[] = [];
  const values: string[] = [];
  for (const m of config.metrics) {
    switch (m.kind) {
      case "accuracy":
        values.push('"accuracy": np.trace(confusion) / max(confusion.sum(), 1),');
        break;
      case "macro_f1":
        helpers.push(MACRO_F1);
        values.push('"macro_f1": macro_f1(confusion),');
        break;
      case "top_k":
        if (!helpers.includes(TOP_K)) helpers.push(TOP_K);
        updates.push(`sums["top_${m.k}"] = sums.get("top_${m.k}", 0) + top_k_hits(values, truth, ${m.k})`);
        values.push(`"top_${m.k}": sums["top_${m.k}"] / sums["rows"],`);
        break;
      case "perplexity":
        values.push('"perplexity": float(np.exp(loss)),  # e^loss, as netc');
        break;
      case "dice":
        helpers.push(diceMetric(classes));
        updates.push('sums["dice"] = sums.get("dice", 0) + dice_sum(predicted, truth, samples)');
        values.push('"dice": sums["dice"] / samples,');
        break;
    }
  }
  if (config.metrics.some((m) => m.kind === "top_k")) updates.push('sums["rows"] = sums.get("rows", 0) + len(truth)');
  const update = fn(
    "update_metrics(sums, values, predicted, truth, samples)",
    "Add a batch to the sums of the metrics not read off the confusion matrix.",
    updates,
  );
  const result = fn("metric_values(confusion, sums, samples, loss)", "The train section's metrics, in its order.", [
    ...(values.length === 0 ? ["return {}"] : ["return {", ...values.map((v) => `    ${v}`), "}"]),
  ]);
  return [...helpers.flatMap((h) => [...h, "", ""]), ...update, "", "", ...result];
}

/** The source of train.py. */
export function emitTrainPy(config: TrainConfig, options: TrainEmitOptions): string {
  const plan = planLoss(config.loss.kind, options.lastOp);
  const fused = fusedFinalOp(config, options.lastOp);
  const className = pyName(options.className);
  const generated = [
    ...readsSection(fused),
    "",
    "",
    ...lossSection(config, plan),
    "",
    "",
    ...optimizerSection(config),
    "",
    "",
    ...scheduleSection(config),
    "",
    "",
    ...metricsSection(config, options.outputShape[options.outputShape.length - 1]),
  ];
  const core = pythonFile("train_core.py").replaceAll("__MODEL__", className).trimEnd();
  const lines = [
    `"""Train ${options.className} per its netc train section: one process, or many (torchrun).`,
    "",
    "    python train.py --data DATA",
    "    torchrun --nproc_per_node=4 train.py --data DATA",
    "",
    "DATA is x.npy,y.npy, a folder written by `netc data mnist|nuclei|words --out DIR`,",
    "or text:FILE (a character model on any UTF-8 text, as netc train).",
    "See README.md for several machines and SLURM.",
    '"""',
    "import argparse",
    "import json",
    "import math",
    "import os",
    "import re",
    "import time",
    "",
    "import numpy as np",
    "import torch",
    "import torch.distributed as dist",
    "import torch.nn.functional as F",
    "from torch import nn",
    "from torch.nn.parallel import DistributedDataParallel",
    "from torch.utils.data import DistributedSampler",
    "",
    "from model import (",
    `    ${className},`,
    "    load_netc_weights,",
    "    netc_value,",
    "    save_netc_weights,",
    "    torch_values,",
    ")",
    "",
    "# The train section, resolved. --epochs and --batch override the first two.",
    `EPOCHS = ${config.epochs}`,
    `BATCH = ${config.batch}  # the global batch: each of N processes takes BATCH / N samples a step`,
    `SEED = ${config.seed}`,
    `SHUFFLE = ${pyBool(config.shuffle)}`,
    `SHIFT = ${config.augment.kind === "shift" ? config.augment.pixels : 0}  # augment: shift(n), n pixels; 0 = none`,
    `VALIDATION = ${pyFloat(config.validation)}  # held out from the end of x.npy,y.npy`,
    `DECAY_PER = ${pyString(config.decayPer)}`,
    `MODEL_NAME = ${pyString(options.className)}`,
    `INPUT_SHAPE = ${pyTuple(options.inputShape)}`,
    `TOKEN_IDS = ${pyBool(options.tokenIds)}  # the input is token ids ([T] int)`,
    `OUTPUT_SHAPE = ${pyTuple(options.outputShape)}`,
    "",
    "",
    ...generated,
    "",
    "",
    core,
  ];
  return lines.flatMap((l) => wrapLine(l)).join("\n") + "\n";
}
