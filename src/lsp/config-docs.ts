// The keys of `train` and `predict` sections and the values each takes (LANGUAGE.md sections 5
// and 6), for completion and hover. test/lsp/config-docs.test.ts checks every value here
// against the checker, so the editor never suggests something the checker rejects.

export interface OptionDoc {
  readonly name: string;
  /** Arguments with their defaults as source text. */
  readonly args?: readonly { readonly name: string; readonly default?: string; readonly required?: boolean }[];
  readonly summary: string;
}

export interface KeyDoc {
  readonly key: string;
  readonly summary: string;
  /** Option words the key takes (bare or called with arguments). */
  readonly options?: readonly OptionDoc[];
  /** A list of options (`metrics: [accuracy, top_k(5)]`). */
  readonly list?: boolean;
  /** Example value inserted after `key: `, for keys without options. */
  readonly example?: string;
}

const lr = (d?: string) => (d ? { name: "lr", default: d } : { name: "lr", required: true });

export const trainKeys: readonly KeyDoc[] = [
  {
    key: "loss",
    summary: "The loss function (PyTorch semantics).",
    options: [
      {
        name: "cross_entropy",
        args: [{ name: "label_smoothing", default: "0" }],
        summary: "Cross-entropy on logits, or fused with a final softmax.",
      },
      { name: "binary_cross_entropy", summary: "Binary cross-entropy on probabilities." },
      { name: "kl_divergence", summary: "Kullback–Leibler divergence." },
      { name: "mse", summary: "Mean squared error." },
      { name: "dice", args: [{ name: "smooth", default: "1" }], summary: "Soft Dice loss for segmentation." },
    ],
  },
  {
    key: "optimizer",
    summary: "The optimizer (torch.optim semantics).",
    options: [
      {
        name: "sgd",
        args: [
          lr(),
          { name: "momentum", default: "0" },
          { name: "nesterov", default: "false" },
          { name: "weight_decay", default: "0" },
        ],
        summary: "Stochastic gradient descent.",
      },
      { name: "momentum", args: [lr(), { name: "beta", default: "0.9" }], summary: "SGD with momentum." },
      {
        name: "rmsprop",
        args: [
          lr("0.01"),
          { name: "alpha", default: "0.99" },
          { name: "eps", default: "1e-8" },
          { name: "momentum", default: "0" },
          { name: "weight_decay", default: "0" },
        ],
        summary: "RMSprop.",
      },
      {
        name: "adam",
        args: [
          lr("0.001"),
          { name: "beta1", default: "0.9" },
          { name: "beta2", default: "0.999" },
          { name: "eps", default: "1e-8" },
          { name: "weight_decay", default: "0" },
        ],
        summary: "Adam.",
      },
      {
        name: "adamw",
        args: [
          lr("0.001"),
          { name: "beta1", default: "0.9" },
          { name: "beta2", default: "0.999" },
          { name: "eps", default: "1e-8" },
          { name: "weight_decay", default: "0.01" },
        ],
        summary: "Adam with decoupled weight decay.",
      },
    ],
  },
  {
    key: "decay",
    summary: "The learning-rate schedule (torch.optim.lr_scheduler semantics).",
    options: [
      { name: "none", summary: "A constant learning rate." },
      {
        name: "step",
        args: [
          { name: "every", required: true },
          { name: "gamma", default: "0.1" },
        ],
        summary: "Multiply by gamma every `every` epochs (or steps).",
      },
      {
        name: "exponential",
        args: [{ name: "gamma" }, { name: "rate" }],
        summary: "lr·γ^t, or with `rate = k`: lr·e^(−k·t).",
      },
      {
        name: "cosine",
        args: [
          { name: "t_max", required: true },
          { name: "min_lr", default: "0" },
        ],
        summary: "Cosine annealing to min_lr over t_max.",
      },
    ],
  },
  { key: "warmup", summary: "Linear learning-rate warm-up over this many epochs (or steps).", example: "5" },
  {
    key: "decay_per",
    summary: "Whether the schedule advances per epoch (default) or per step.",
    options: [
      { name: "epoch", summary: "Advance the schedule once per epoch." },
      { name: "step", summary: "Advance the schedule once per mini-batch." },
    ],
  },
  { key: "batch", summary: "Mini-batch size; `batch: 1` is plain stochastic gradient descent.", example: "32" },
  { key: "epochs", summary: "Number of passes over the training data.", example: "10" },
  { key: "shuffle", summary: "Shuffle the training data every epoch (default true).", options: bools() },
  {
    key: "augment",
    summary: "Random changes to each training image, drawn anew every step (default none).",
    options: [
      { name: "none", summary: "Train on the images as they are." },
      {
        name: "shift",
        args: [{ name: "pixels", required: true }],
        summary: "Move each image by −pixels … pixels on each axis, filling the border with zeros.",
      },
    ],
  },
  { key: "seed", summary: "Random seed for initialisation and shuffling (default 0).", example: "0" },
  { key: "validation", summary: "Fraction of the data held out for validation (default 0.2).", example: "0.2" },
  {
    key: "metrics",
    summary: "Metrics reported each epoch.",
    list: true,
    options: [
      { name: "accuracy", summary: "Fraction of correct predictions." },
      { name: "macro_f1", summary: "Mean over classes of per-class F1." },
      { name: "dice", summary: "Dice coefficient 2|A∩B| / (|A| + |B|)." },
      {
        name: "top_k",
        args: [{ name: "k", required: true }],
        summary: "The label is among the k most likely classes.",
      },
    ],
  },
];

export const predictKeys: readonly KeyDoc[] = [
  {
    key: "tiles",
    summary: "Overlap-tile inference for images larger than the model's input (U-Net).",
    options: [
      {
        name: "overlap",
        args: [
          { name: "tile", required: true },
          { name: "pad", default: '"mirror"' },
          { name: "margin", default: "0" },
        ],
        summary: "Cut the image into tiles that overlap by the context the model consumes.",
      },
    ],
  },
  { key: "batch", summary: "How many tiles or samples run at once.", example: "8" },
];

function bools(): OptionDoc[] {
  return [
    { name: "true", summary: "" },
    { name: "false", summary: "" },
  ];
}

export function keysOf(section: "train" | "predict"): readonly KeyDoc[] {
  return section === "train" ? trainKeys : predictKeys;
}

export function optionSignature(option: OptionDoc): string {
  if (!option.args) return option.name;
  return `${option.name}(${option.args.map((a) => (a.default === undefined ? a.name : `${a.name} = ${a.default}`)).join(", ")})`;
}
