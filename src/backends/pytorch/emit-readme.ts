// README.md of the exported package: what the files are, and how to train on one machine, on
// several with torchrun, and under SLURM, then bring the weights back to netc.

export interface ReadmeOptions {
  readonly className: string;
  /** The .net file the package came from, as given on the command line. */
  readonly source: string;
  /** Whether the model has a train section (and so a train.py). */
  readonly trainable: boolean;
  /** Where the shipped weights came from. */
  readonly weightsSource: string;
  readonly batch?: number;
}

export function emitReadme(o: ReadmeOptions): string {
  const weights = `${o.className.toLowerCase()}.safetensors`;
  const use = [
    `# ${o.className} for PyTorch`,
    "",
    `Exported by \`netc export ${o.source} --pytorch\`. Needs Python 3 with \`torch\` and \`numpy\` only.`,
    "",
    "| file | what |",
    "|---|---|",
    `| \`model.py\` | \`class ${o.className}(nn.Module)\`, NHWC in and out like netc; \`load_netc_weights\` and \`save_netc_weights\` read and write netc's safetensors weights (its keys, Keras layouts) |`,
    ...(o.trainable ? ["| `train.py` | the model's `train` section, on one process or many (torchrun, DistributedDataParallel) |"] : []),
    `| \`weights.safetensors\` | the starting weights: ${o.weightsSource} |`,
    "",
    "## Use the model",
    "",
    "```python",
    `from model import ${o.className}, load_netc_weights`,
    "",
    `model = ${o.className}()`,
    'load_netc_weights(model, "weights.safetensors")',
    "model.eval()",
    "y = model(x)  # x: a float32 NHWC batch",
    "```",
  ];
  if (!o.trainable) return [...use, ""].join("\n");
  return [
    ...use,
    "",
    "## Train on one machine",
    "",
    "Data is a pair of NumPy files `x.npy,y.npy` (samples NHWC; labels as class indices or laid",
    "out like the output; the train section's `validation` fraction is held out from the end), a",
    "folder written by `netc data mnist|nuclei|words --out DIR` (netc's own split), or, for a model",
    "on token ids, `text:FILE`: any UTF-8 text, one token per character, as `netc train` reads it.",
    "",
    "```sh",
    "python train.py --data x.npy,y.npy",
    "python train.py --data data/ --device cuda --amp      # one GPU, mixed precision",
    "torchrun --standalone --nproc_per_node=4 train.py --data data/   # 4 processes (GPUs or CPU)",
    "```",
    "",
    `Flags: \`--epochs\`, \`--batch\` (the global batch${o.batch ? `, ${o.batch} by the train section` : ""}; each of N processes takes`,
    "batch / N samples a step, so N processes take the same batches as one), `--init` (starting weights,",
    `default \`weights.safetensors\`), \`--out\` (default \`${weights}\`), \`--resume CHECKPOINT\`, \`--device cpu|cuda\``,
    "(NCCL on CUDA, Gloo on CPU), `--amp` (CUDA only), `--json` (NDJSON events with the fields of",
    "`netc train --json`). Rank 0 prints one line per epoch, as `netc train`, and writes a checkpoint",
    `after every epoch (\`${weights.replace(".safetensors", ".ckpt.safetensors")}\`, atomically, in netc's checkpoint format).`,
    "",
    "With one process and the same starting weights the run follows netc's: the same sample order",
    "(netc's shuffle, from the train section's seed), the same batches, loss, optimizer and schedule.",
    "",
    "PyTorch 1.13 on Python 3.11 (Debian 12's `python3-torch`) has a torchrun bug: it stops at start",
    "with `AttributeError: 'NoneType' object has no attribute 'get'`. Add `--redirects 1 --tee 1`",
    "to its options (each rank's output then comes prefixed with `[default0]:`, ...).",
    "",
    "## Several machines",
    "",
    "Run the same command on every machine, naming one of them as the rendezvous point:",
    "",
    "```sh",
    "torchrun --nnodes=2 --nproc_per_node=8 --rdzv_backend=c10d --rdzv_endpoint=HOST:29500 --rdzv_id=run1 \\",
    "    train.py --data data/ --device cuda",
    "```",
    "",
    "## SLURM",
    "",
    "```sh",
    "#!/bin/bash",
    "#SBATCH --nodes=2",
    "#SBATCH --ntasks-per-node=1",
    "#SBATCH --gpus-per-node=8",
    "#SBATCH --cpus-per-task=32",
    "head=$(scontrol show hostnames \"$SLURM_JOB_NODELIST\" | head -n 1)",
    "srun torchrun --nnodes=\"$SLURM_NNODES\" --nproc_per_node=8 --rdzv_backend=c10d \\",
    "    --rdzv_endpoint=\"$head:29500\" --rdzv_id=\"$SLURM_JOB_ID\" train.py --data data/ --device cuda",
    "```",
    "",
    "## Back to netc",
    "",
    "The trained weights are a netc weights file:",
    "",
    "```sh",
    `netc evaluate ${o.source} --weights ${weights} --data ...`,
    `netc compile ${o.source} -o model.ts --weights ${weights}`,
    "```",
    "",
  ].join("\n");
}
