class Xoshiro128:
    """netc's random generator (xoshiro128**, seeded by splitmix32), for its order."""

    MASK = 0xFFFFFFFF

    def __init__(self, seed):
        x = seed & self.MASK
        self.state = []
        for _ in range(4):
            x = (x + 0x9E3779B9) & self.MASK
            z = ((x ^ (x >> 16)) * 0x85EBCA6B) & self.MASK
            z = ((z ^ (z >> 13)) * 0xC2B2AE35) & self.MASK
            self.state.append(z ^ (z >> 16))

    @staticmethod
    def rotl(x, k):
        return ((x << k) | (x >> (32 - k))) & Xoshiro128.MASK

    def next_uint32(self):
        s0, s1, s2, s3 = self.state
        result = (self.rotl((s1 * 5) & self.MASK, 7) * 9) & self.MASK
        t = (s1 << 9) & self.MASK
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = self.rotl(s3, 11)
        self.state = [s0, s1, s2, s3]
        return result

    def below(self, n):
        """Uniform integer in [0, n), without modulo bias."""
        limit = 2**32 - 2**32 % n
        while True:
            x = self.next_uint32()
            if x < limit:
                return x % n


def shift_images(batch_x, step, positions):
    """netc's `augment: shift(SHIFT)`: sample k of global step `step` moves by the k-th pair of
    offsets (rows, then columns, in -SHIFT..SHIFT) drawn from a generator seeded by the seed and
    the step alone; `positions` are this process's places in the global batch. Zeros fill in."""
    mask = Xoshiro128.MASK
    rng = Xoshiro128((((SEED + 1) * 0x9E3779B1) & mask) ^ (((step + 1) * 0x85EBCA6B) & mask))
    draw = lambda: rng.below(2 * SHIFT + 1) - SHIFT  # noqa: E731
    offsets = [(draw(), draw()) for _ in range(max(positions) + 1)]
    out = torch.zeros_like(batch_x)
    height, width = batch_x.shape[1], batch_x.shape[2]
    for i, k in enumerate(positions):
        dy, dx = offsets[k]
        out[i, max(dy, 0) : height + min(dy, 0), max(dx, 0) : width + min(dx, 0)] = batch_x[
            i, max(-dy, 0) : height - max(dy, 0), max(-dx, 0) : width - max(dx, 0)
        ]
    return out


def netc_order(count, rng):
    """One epoch's order as netc visits it: file order, or its Fisher-Yates shuffle."""
    order = list(range(count))
    if SHUFFLE:
        for i in range(count - 1, 0, -1):
            j = rng.below(i + 1)
            order[i], order[j] = order[j], order[i]
    return order


class NetcSampler(DistributedSampler):
    """A DistributedSampler in netc's order: rank r takes every world-th sample from r.

    With per-process batches of BATCH / world, the processes together take exactly the
    batches netc takes on one process, and DDP's averaged gradient is that batch's.
    """

    def __init__(self, count, world, rank, rng):
        super().__init__(range(count), num_replicas=world, rank=rank, shuffle=False)
        self.rng = rng

    def __iter__(self):
        order = netc_order(len(self.dataset), self.rng)
        order += order[: self.total_size - len(order)]
        return iter(order[self.rank : self.total_size : self.num_replicas])


def fail(message):
    raise SystemExit(f"error: {message}")


def describe_shape(shape):
    return "[" + ", ".join(str(d) for d in shape) + "]"


def load_folder(folder):
    """A folder from `netc data mnist` or `netc data nuclei`, split as netc does."""

    def load(name):
        return np.load(os.path.join(folder, f"{name}.npy"))

    if os.path.exists(os.path.join(folder, "train-x.npy")):
        return load("train-x"), load("train-y"), load("val-x"), load("val-y")
    if os.path.exists(os.path.join(folder, "images.npy")):
        images, masks = load("images"), center_crop(load("masks"))
        split = math.floor(len(images) * 0.8 + 0.5)  # the first 80% train
        return images[:split], masks[:split], images[split:], masks[split:]
    fail(f"{folder} holds neither train-x.npy nor images.npy (from `netc data`)")


def center_crop(masks):
    """A valid-convolution U-Net predicts the centre: netc crops the masks to it."""
    if len(OUTPUT_SHAPE) != 3 or OUTPUT_SHAPE[2] != 1:
        return masks
    out_height, out_width = OUTPUT_SHAPE[:2]
    top = (masks.shape[1] - out_height) // 2
    left = (masks.shape[2] - out_width) // 2
    return masks[:, top : top + out_height, left : left + out_width]


def load_text(path):
    """`text:FILE` as netc reads it: one token per character, the vocabulary sorted."""
    try:
        with open(path, "rb") as file:
            text = file.read().decode("utf-8")
    except OSError as error:
        fail(f"{path}: cannot read: {error.strerror}")
    except UnicodeDecodeError as error:
        fail(f"{path}: not UTF-8 text (at byte {error.start}); save it as UTF-8")
    text = text.removeprefix("\ufeff")
    chars = sorted(set(text))
    if len(chars) < 2:
        fail(f"{path} has fewer than two distinct characters: nothing to predict")
    index = {c: i for i, c in enumerate(chars)}
    ids = np.array([index[c] for c in text], dtype=np.int64)
    cut = math.floor(len(ids) * 0.9)  # the last 10% held out
    return ids[:cut], ids[cut:], chars


def char_windows(ids, part):
    """Non-overlapping windows of the input's length, with targets shifted by one."""
    if len(INPUT_SHAPE) != 1:
        shape = describe_shape(INPUT_SHAPE)
        fail(f"--data text: trains models on token ids [T], not {shape}")
    length = INPUT_SHAPE[0]
    count = (len(ids) - 1) // length
    if count == 0:
        fail(f"the {part} text is too short for one window of {length} plus its target")
    starts = np.arange(count) * length
    x = ids[starts[:, None] + np.arange(length)]
    if OUTPUT_SHAPE[:-1] == (length,):  # every position predicts the next character
        return x, ids[starts[:, None] + np.arange(1, length + 1)]
    return x, ids[starts + length]  # the character after the window


def bigram_baseline(x, y, val_x, val_y):
    """netc's baseline for a text: the next character from the current one alone.

    Add-one counts from the training windows, the mean cross-entropy on the validation
    windows.
    """

    def pairs(x, y):
        if y.ndim == 1:  # one target after each window
            return x[:, -1], y
        return x.reshape(-1), y.reshape(-1)

    vocabulary = OUTPUT_SHAPE[-1]
    counts = np.ones((vocabulary, vocabulary))
    np.add.at(counts, pairs(x, y), 1)
    log_probability = np.log(counts / counts.sum(1, keepdims=True))
    loss = float(-log_probability[pairs(val_x, val_y)].mean())
    return {"bigram_val_loss": loss, "bigram_val_perplexity": float(np.exp(loss))}


def load_data(spec):
    """Arrays (x, y, val_x, val_y) and the metadata the weights keep (a vocabulary)."""
    if spec == "words":
        context = INPUT_SHAPE[0] if len(INPUT_SHAPE) == 1 else "T"
        fail(
            "--data words needs netc's word list: write its windows with "
            f"`netc data words --context {context} --out DIR`, then pass --data DIR"
        )
    if spec.startswith("text:"):
        train, val, chars = load_text(spec[len("text:") :])
        if OUTPUT_SHAPE[-1] != len(chars):
            fail(
                f"vocabulary mismatch: {spec} has {len(chars)} distinct characters "
                f"but the model's output has {OUTPUT_SHAPE[-1]} classes; give the "
                f"last layer {len(chars)} units (and the embedding as many ids)"
            )
        metadata = {
            "vocabulary": json.dumps(chars, ensure_ascii=False, separators=(",", ":")),
            "corpus": spec,
        }
        x, y = char_windows(train, "train")
        val_x, val_y = char_windows(val, "validation")
        return x, y, val_x, val_y, metadata
    if os.path.isdir(spec):
        return (*load_folder(spec), {})
    paths = spec.split(",")
    if len(paths) != 2 or not all(p.endswith(".npy") for p in paths):
        fail(
            f"--data '{spec}' is neither x.npy,y.npy, text:FILE nor a folder from "
            "`netc data`"
        )
    x, y = (np.load(p) for p in paths)
    if len(x) != len(y):
        fail(f"{paths[0]} holds {len(x)} samples but {paths[1]} holds {len(y)} labels")
    if VALIDATION == 0:
        return x, y, None, None, {}
    # netc holds out the last fraction, in file order, before any shuffling.
    keep = math.floor(len(x) * (1 - VALIDATION) + 1e-9)
    return x[:keep], y[:keep], x[keep:], y[keep:], {}


def as_samples(x, name):
    if tuple(x.shape[1:]) != INPUT_SHAPE:
        got, expected = describe_shape(x.shape[1:]), describe_shape(INPUT_SHAPE)
        fail(f"{name}: samples are {got}, the model takes {expected}")
    dtype = np.int64 if TOKEN_IDS else np.float32
    return torch.from_numpy(np.ascontiguousarray(x, dtype=dtype))


def as_labels(y, name):
    """Dense labels laid out as the output, or a class index per row, as netc."""
    per_sample = tuple(y.shape[1:])
    if per_sample == OUTPUT_SHAPE:
        return torch.from_numpy(np.ascontiguousarray(y, dtype=np.float32))
    if per_sample == OUTPUT_SHAPE[:-1]:
        if OUTPUT_SHAPE[-1] == 1:
            dense = np.ascontiguousarray(y, dtype=np.float32)
            return torch.from_numpy(dense.reshape(-1, *OUTPUT_SHAPE))
        return torch.from_numpy(y.astype(np.int64))
    fail(
        f"{name}: labels have shape {describe_shape(y.shape)}, the model's output is "
        f"{describe_shape(OUTPUT_SHAPE)}; expected class indices or dense labels"
    )


def row_classes(values, target):
    """Predicted and true class of every row; one channel is a mask cut at 0.5."""
    classes = values.shape[-1]
    rows = values.reshape(-1, classes)
    predicted = (rows[:, 0] >= 0.5).long() if classes == 1 else rows.argmax(1)
    if not target.is_floating_point():
        truth = target.reshape(-1)
    elif classes == 1:
        truth = (target.reshape(-1) >= 0.5).long()
    else:
        truth = target.reshape(-1, classes).argmax(1)
    return predicted.cpu().numpy(), truth.cpu().numpy()


def evaluate(model, x, y, device):
    """Loss, the metrics and per-class precision/recall, in batches of BATCH as netc."""
    model.eval()
    classes = max(OUTPUT_SHAPE[-1], 2)
    confusion = np.zeros((classes, classes), dtype=np.int64)
    sums = {}
    loss_sum = 0.0
    with torch.no_grad():
        for start in range(0, len(x), BATCH):
            batch_x = x[start : start + BATCH].to(device)
            target = y[start : start + BATCH].to(device)
            consumed = loss_input(model, batch_x).float()
            loss_sum += loss_fn(consumed, target).item() * len(batch_x)
            values = probabilities(consumed)
            predicted, truth = row_classes(values, target)
            cells = np.bincount(truth * classes + predicted, minlength=classes**2)
            confusion += cells.reshape(classes, classes)
            update_metrics(sums, values, predicted, truth, len(batch_x))
    model.train()
    hits = np.diag(confusion)
    with np.errstate(divide="ignore", invalid="ignore"):
        precision = np.nan_to_num(hits / confusion.sum(0))
        recall = np.nan_to_num(hits / confusion.sum(1))
    loss = loss_sum / len(x)
    metrics = metric_values(confusion, sums, len(x), loss)
    return {
        "loss": loss,
        **metrics,
        "precision": precision.tolist(),
        "recall": recall.tolist(),
    }


def netc_exponential(value):
    """The learning rate as netc prints it (JavaScript's toExponential(2)): 1.00e-3."""
    mantissa, exponent = f"{value:.2e}".split("e")
    return f"{mantissa}e{int(exponent):+d}"


def speed(report):
    """Images per second, or tokens per second for a text's windows, as netc."""
    if "tokens_per_s" in report:
        return f"{round(report['tokens_per_s']):,} tok/s"
    return f"{round(report['images_per_s']):,} img/s"


def epoch_line(report):
    """The line `netc train` prints per epoch."""
    line = (
        f"epoch {report['epoch']}/{EPOCHS}  loss {report['loss']:.4f}  "
        f"lr {netc_exponential(report['lr'])}  "
        f"{speed(report)}  {report['seconds']:.1f}s"
    )
    val = report.get("val")
    if val is None:
        return line
    parts = [f"val_loss {val['loss']:.4f}"]
    metrics = {k: v for k, v in val.items() if k not in ("loss", "precision", "recall")}
    parts += [f"{k} {v:.4f}" for k, v in metrics.items()]
    if len(val["precision"]) <= 3:
        parts.append("precision " + "/".join(f"{p:.3f}" for p in val["precision"]))
        parts.append("recall " + "/".join(f"{r:.3f}" for r in val["recall"]))
    return f"{line}  |  " + "  ".join(parts)


def optimizer_tensors(module, optimizer):
    """The optimizer's buffers as netc checkpoints hold them: optimizer/<key>/<slot>."""
    parameters = dict(module.named_parameters())
    tensors = {}
    for key, (name, layout, shape) in module.NETC_TENSORS.items():
        entries = name if isinstance(name, tuple) else (name,)
        states = [optimizer.state.get(parameters.get(n), {}) for n in entries]
        for slot in SLOTS:
            if all(slot in state for state in states):
                buffers = dict(zip(entries, (state[slot].float() for state in states)))
                buffer = netc_value(name, layout, shape, buffers.get)
                tensors[f"optimizer/{key}/{slot}"] = buffer.reshape(-1)
    return tensors


def restore_optimizer(module, optimizer, tensors, step):
    parameters = dict(module.named_parameters())
    for key, (name, layout, shape) in module.NETC_TENSORS.items():
        saved = {s: tensors.get(f"optimizer/{key}/{s}") for s in SLOTS}
        if any(t is None for t in saved.values()) or not saved:
            continue
        by_slot = {
            s: torch_values(name, layout, t.reshape(shape)) for s, t in saved.items()
        }
        for entry in by_slot[SLOTS[0]]:
            parameter = parameters[entry]
            state = {
                s: values[entry].to(parameter.device) for s, values in by_slot.items()
            }
            optimizer.state[parameter] = {**state, **step_entry(step)}


def save_checkpoint(module, optimizer, path, epoch, step, rng):
    """netc's checkpoint format: weights, optimizer buffers, netc.checkpoint info."""
    meta = {
        "version": 1,
        "epoch": epoch,
        "step": step,
        "optimizer": {"kind": OPTIMIZER, "step": step},
        "rng": rng.state,
        "info": {"model": type(module).__name__},
    }
    extra = optimizer_tensors(module, optimizer)
    metadata = {"netc.checkpoint": json.dumps(meta)}
    save_netc_weights(module, path, extra=extra, metadata=metadata)


def setup_distributed(device_name):
    """(rank, world size, device); torchrun sets RANK, WORLD_SIZE and LOCAL_RANK."""
    if device_name == "cuda" and not torch.cuda.is_available():
        fail("--device cuda, but PyTorch sees no CUDA device")
    if "RANK" not in os.environ:
        return 0, 1, torch.device(device_name)
    dist.init_process_group("nccl" if device_name == "cuda" else "gloo")
    if device_name == "cuda":
        local_rank = int(os.environ["LOCAL_RANK"])
        torch.cuda.set_device(local_rank)
        return dist.get_rank(), dist.get_world_size(), torch.device("cuda", local_rank)
    return dist.get_rank(), dist.get_world_size(), torch.device("cpu")


def parse_args():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add = parser.add_argument
    add("--data", required=True, help="x.npy,y.npy or a folder from `netc data`")
    add("--epochs", type=int, default=EPOCHS, help="override the section's epochs")
    add("--batch", type=int, default=BATCH, help="global batch, split across processes")
    add("--init", default=os.path.join(here, "weights.safetensors"), help="weights")
    add("--out", default=f"{MODEL_NAME.lower()}.safetensors", help="trained weights")
    add("--resume", help="continue from a checkpoint written by an earlier run")
    default_device = "cuda" if torch.cuda.is_available() else "cpu"
    add("--device", choices=["cpu", "cuda"], default=default_device)
    add("--amp", action="store_true", help="mixed precision (CUDA only)")
    add("--json", action="store_true", help="NDJSON events on stdout (rank 0)")
    return parser.parse_args()


def main():
    global BATCH, EPOCHS
    args = parse_args()
    BATCH, EPOCHS = args.batch, args.epochs
    if args.amp and args.device != "cuda":
        fail("--amp needs --device cuda")
    rank, world, device = setup_distributed(args.device)
    if BATCH % world != 0:
        fail(f"a batch of {BATCH} does not split across {world} processes; set --batch")
    torch.manual_seed(SEED + rank)
    say = (lambda line: print(line, flush=True)) if rank == 0 else (lambda line: None)

    train_x, train_y, val_x, val_y, data_metadata = load_data(args.data)
    baseline = None
    if data_metadata:  # a text: the baseline netc prints
        baseline = bigram_baseline(train_x, train_y, val_x, val_y)
    train_x, train_y = as_samples(train_x, "train x"), as_labels(train_y, "train y")
    if val_x is not None:
        val_x, val_y = as_samples(val_x, "val x"), as_labels(val_y, "val y")

    module = __MODEL__()
    rng = Xoshiro128(SEED)
    start_epoch, step = 0, 0
    if args.resume:
        extra, metadata = load_netc_weights(module, args.resume, "optimizer/")
        meta = json.loads(metadata["netc.checkpoint"])
        start_epoch, step, rng.state = meta["epoch"], meta["step"], meta["rng"]
    else:
        load_netc_weights(module, args.init)
    module.to(device)
    optimizer = make_optimizer(module.parameters())
    if args.resume:
        restore_optimizer(module, optimizer, extra, step)
    model = module
    if world > 1:
        if device.type == "cuda":
            model = nn.SyncBatchNorm.convert_sync_batchnorm(model)
        devices = [device.index] if device.type == "cuda" else None
        model = DistributedDataParallel(model, device_ids=devices)
    scaler = torch.cuda.amp.GradScaler(enabled=args.amp)
    sampler = NetcSampler(len(train_x), world, rank, rng)
    per_process = BATCH // world
    checkpoint = re.sub(r"(\.safetensors)?$", ".ckpt.safetensors", args.out, count=1)

    if not args.json:
        params = sum(int(np.prod(s)) for _, _, s in module.NETC_TENSORS.values())
        held_out = f", validating on {len(val_x)}" if val_x is not None else ""
        processes = f", {world} processes" if world > 1 else ""
        say(
            f"training {MODEL_NAME} ({params:,} params) on {args.data}: "
            f"{len(train_x)} samples{held_out}, batch {BATCH}, "
            f"{EPOCHS} epochs{processes}"
        )
    if baseline is not None and args.json:
        say(json.dumps({"event": "baseline", "corpus": args.data, **baseline}))
    elif baseline is not None:
        say(
            "bigram baseline on the same split: "
            f"val_loss {baseline['bigram_val_loss']:.4f}  "
            f"perplexity {baseline['bigram_val_perplexity']:.2f}"
        )
    for epoch in range(start_epoch, EPOCHS):
        started = time.perf_counter()
        order = list(sampler)
        loss_sum, seen = 0.0, 0
        for start in range(0, len(order), per_process):
            indices = order[start : start + per_process]
            lr = learning_rate(epoch if DECAY_PER == "epoch" else step)
            for group in optimizer.param_groups:
                group["lr"] = lr
            batch_x = train_x[indices].to(device, non_blocking=True)
            if SHIFT:
                # Process `rank` holds places rank, rank + world, ... of the global batch.
                batch_x = shift_images(batch_x, step, [j * world + rank for j in range(len(indices))])
            target = train_y[indices].to(device, non_blocking=True)
            with torch.autocast(device.type, enabled=args.amp):
                consumed = loss_input(model, batch_x)
            loss = loss_fn(consumed.float(), target)
            if not math.isfinite(loss.item()):
                where = f"epoch {epoch + 1}, step {start // per_process + 1}"
                fail(
                    f"the loss became {loss.item()} at {where}; the weights were not "
                    "updated with it. Try a lower learning rate or normalised inputs."
                )
            optimizer.zero_grad(set_to_none=True)
            scaler.scale(loss).backward()
            scaler.step(optimizer)
            scaler.update()
            step += 1
            loss_sum += loss.item() * len(indices)
            seen += len(indices)
        totals = torch.tensor([loss_sum, seen], dtype=torch.float64, device=device)
        if world > 1:
            dist.all_reduce(totals)
        seconds = time.perf_counter() - started
        tokens = len(train_x) * INPUT_SHAPE[0] / seconds
        tokens_per_s = {"tokens_per_s": tokens} if data_metadata else {}
        report = {
            "event": "epoch",
            "epoch": epoch + 1,
            "loss": totals[0].item() / totals[1].item(),
            "lr": lr,
            "images_per_s": len(train_x) / seconds,
            **tokens_per_s,
            "seconds": seconds,
        }
        if rank == 0:
            if val_x is not None:
                report["val"] = evaluate(module, val_x, val_y, device)
            save_checkpoint(module, optimizer, checkpoint, epoch + 1, step, rng)
            say(json.dumps(report) if args.json else epoch_line(report))
        if world > 1:
            dist.barrier()
    if rank == 0:
        save_netc_weights(module, args.out, metadata=data_metadata)
        done = {"event": "done", "weights": args.out}
        line = f"wrote {args.out} (last checkpoint: {checkpoint})"
        say(json.dumps(done) if args.json else line)
    if world > 1:
        dist.destroy_process_group()


if __name__ == "__main__":
    main()
