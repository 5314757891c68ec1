// examples/cifar_resnet.net training (issue 17): one step — forward with batch statistics,
// cross-entropy on the logits, backward, SGD with momentum 0.9 and weight decay — at batch 64 on
// random 32×32×3 images, in images/s: netc's WASM runtime on one and two threads against PyTorch
// on one thread in NCHW and channels_last (test/fixtures/train/cifar_resnet_torch_reference.py,
// run as a subprocess from the same initial weights and batch; its first loss must match netc's).
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { weightsOf } from "../../src/backends/interpret/trainer.ts";
import { writeNpy } from "../../src/io/npy.ts";
import { writeSafetensors } from "../../src/io/safetensors.ts";
import {
  createWasmExecutor,
  initializeParams,
  Rng,
  sliceProgram,
} from "../../src/runtime/index.ts";
import { crossEntropyFromLogits } from "../../src/runtime/train/losses.ts";
import {
  createOptimizer,
  type OptimizerConfig,
} from "../../src/runtime/train/optimizers.ts";
import {
  measure,
  type BenchCase,
  type BenchContext,
  type Measurement,
  type Timing,
} from "../harness.ts";
import { loadExample } from "../models.ts";

const BATCH = 64;
const CLASSES = 10;
const SGD: OptimizerConfig = {
  kind: "sgd",
  lr: 0.05,
  momentum: 0.9,
  nesterov: false,
  weightDecay: 5e-4,
};
const TORCH_SCRIPT = fileURLToPath(
  new URL(
    "../../test/fixtures/train/cifar_resnet_torch_reference.py",
    import.meta.url,
  ),
);
/** Debian's python3-torch lives in the system interpreter; a pyenv `python3` may lack it. */
const PYTHON = existsSync("/usr/bin/python3") ? "/usr/bin/python3" : "python3";

interface TorchLayout {
  readonly first_loss: number;
  readonly median_ms: number;
  readonly min_ms: number;
  readonly max_ms: number;
  readonly cpu_ms: number;
}
type TorchResult = {
  readonly torch: string;
  readonly nchw: TorchLayout;
  readonly channels_last: TorchLayout;
};

const imagesPerSecond = (ms: number) => Math.round((1000 * BATCH) / ms);

interface NetcRun {
  readonly timing: Timing;
  readonly firstLoss: number;
  /** Mean CPU milliseconds per step (all threads): on a shared machine, wall time also counts
   * waiting for a core. */
  readonly cpuMs: number;
}

async function runNetc(
  threads: 1 | 2,
  task: {
    program: ReturnType<typeof sliceProgram>;
    weights: Map<string, Float32Array>;
    x: Float32Array;
    y: Int32Array;
  },
  ctx: BenchContext,
): Promise<NetcRun> {
  const { executor, dispose } = await createWasmExecutor(task.program, {
    maxBatch: BATCH,
    training: true,
    wasm: { threads },
  });
  try {
    executor.setParams(task.weights);
    const trainable = new Map(
      [...executor.grads.keys()].map((k) => [k, executor.params.get(k)!]),
    );
    const optimizer = createOptimizer(
      SGD,
      new Map([...trainable].map(([k, v]) => [k, v.length])),
    );
    const target = { kind: "classes", data: task.y } as const;
    let firstLoss = NaN;
    const step = () => {
      const [logits] = executor.forward([task.x], BATCH);
      const { loss, grad } = crossEntropyFromLogits(logits!, target, CLASSES);
      if (Number.isNaN(firstLoss)) firstLoss = loss;
      executor.zeroGrads();
      executor.backward([grad]);
      optimizer.step(trainable, executor.grads, SGD.lr);
    };
    const timing = await measure(step, {
      warmup: 2,
      minRuns: ctx.quick ? 4 : 10,
      maxRuns: 40,
      minTimeMs: ctx.quick ? 2000 : 8000,
    });
    const cpuSteps = ctx.quick ? 3 : 10;
    const before = process.cpuUsage();
    for (let i = 0; i < cpuSteps; i++) step();
    const used = process.cpuUsage(before);
    return { timing, firstLoss, cpuMs: (used.user + used.system) / 1000 / cpuSteps };
  } finally {
    await dispose();
  }
}

function runTorch(
  graph: ReturnType<typeof loadExample>,
  weights: ReadonlyMap<string, Float32Array>,
  x: Float32Array,
  y: Int32Array,
  steps: number,
): TorchResult | { skipped: string } {
  const dir = mkdtempSync(join(tmpdir(), "netc-bench-cifar-"));
  try {
    const path = join(dir, "w.safetensors");
    writeSafetensors(path, weightsOf(graph, weights));
    writeNpy(join(dir, "x.npy"), { shape: [BATCH, 32, 32, 3], data: x });
    writeNpy(join(dir, "y.npy"), { shape: [BATCH], data: y });
    const r = spawnSync(
      PYTHON,
      [TORCH_SCRIPT, "--bench", path, dir, String(steps)],
      { encoding: "utf8" },
    );
    if (r.error || r.status !== 0)
      return {
        skipped:
          (r.error?.message ?? r.stderr.trim().split("\n").at(-1)) ||
          "python3 failed",
      };
    return JSON.parse(r.stdout.trim().split("\n").at(-1)!) as TorchResult;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export const cifarResnetTrainCase: BenchCase = {
  name: "cifar-resnet-train",
  async run(ctx) {
    const graph = loadExample("cifar_resnet.net");
    const program = sliceProgram(graph, [
      graph.nodes[graph.outputs[0]!]!.inputs[0]!,
    ]);
    const rng = new Rng(17);
    const x = Float32Array.from({ length: BATCH * 32 * 32 * 3 }, () =>
      rng.normal(),
    );
    const y = Int32Array.from(
      { length: BATCH },
      () => rng.nextUint32() % CLASSES,
    );
    const weights = initializeParams(graph, 0);
    const task = { program, weights, x, y };
    const measurements: Measurement[] = [];
    const one = await runNetc(1, task, ctx);
    ctx.log(
      `  cifar-resnet-train netc 1 thread: ${one.timing.medianMs.toFixed(1)} ms/step (CPU ${one.cpuMs.toFixed(1)}), ${imagesPerSecond(one.timing.medianMs)} images/s, first loss ${one.firstLoss.toFixed(5)}`,
    );
    measurements.push({
      implementation: "netc-wasm (1 thread)",
      threads: 1,
      baseline: true,
      timing: one.timing,
      ratioToNetc: 1,
      note: `${imagesPerSecond(one.timing.medianMs)} images/s; CPU ${one.cpuMs.toFixed(0)} ms/step = ${imagesPerSecond(one.cpuMs)} images/CPU-s`,
    });
    const two = await runNetc(2, task, ctx);
    ctx.log(
      `  cifar-resnet-train netc 2 threads: ${two.timing.medianMs.toFixed(1)} ms/step, ${imagesPerSecond(two.timing.medianMs)} images/s`,
    );
    const lossDiff = Math.abs(two.firstLoss - one.firstLoss) / one.firstLoss;
    measurements.push({
      implementation: "netc-wasm (2 threads)",
      threads: 2,
      timing: two.timing,
      ratioToNetc: two.timing.medianMs / one.timing.medianMs,
      errorVsNetc: lossDiff,
      note: `${imagesPerSecond(two.timing.medianMs)} images/s, ${(one.timing.medianMs / two.timing.medianMs).toFixed(2)}× 1 thread`,
    });
    const torch = runTorch(graph, weights, x, y, ctx.quick ? 5 : 20);
    if ("skipped" in torch)
      ctx.log(`  cifar-resnet-train PyTorch skipped: ${torch.skipped}`);
    else {
      for (const layout of ["nchw", "channels_last"] as const) {
        const t = torch[layout];
        const diff = Math.abs(t.first_loss - one.firstLoss) / one.firstLoss;
        if (diff > 1e-4)
          throw new Error(
            `PyTorch's first loss ${t.first_loss} differs from netc's ${one.firstLoss}: not the same model`,
          );
        ctx.log(
          `  cifar-resnet-train PyTorch ${torch.torch} ${layout}: ${t.median_ms.toFixed(1)} ms/step, ${imagesPerSecond(t.median_ms)} images/s; CPU ${t.cpu_ms.toFixed(1)} ms/step`,
        );
        measurements.push({
          implementation: `PyTorch ${torch.torch} ${layout === "nchw" ? "NCHW" : "channels_last"} (1 thread)`,
          threads: 1,
          timing: {
            medianMs: t.median_ms,
            minMs: t.min_ms,
            maxMs: t.max_ms,
            runs: ctx.quick ? 5 : 20,
          },
          ratioToNetc: t.median_ms / one.timing.medianMs,
          errorVsNetc: diff,
          note:
            `${imagesPerSecond(t.median_ms)} images/s; netc 1 thread = ${(t.median_ms / one.timing.medianMs).toFixed(2)}× its speed ` +
            `(per CPU-second: ${(t.cpu_ms / one.cpuMs).toFixed(2)}×)`,
        });
      }
    }
    return [
      {
        name: "cifar-resnet-train",
        description: `examples/cifar_resnet.net training step (forward, cross-entropy, backward, SGD momentum), batch ${BATCH}, random 32×32×3 images; diff = first loss`,
        measurements,
      },
    ];
  },
};
