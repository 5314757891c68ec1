// CNN training (issue 17): one step — forward with batch statistics, cross-entropy on the
// logits, backward, SGD with momentum 0.9 and weight decay — on random images, in images/s:
// netc's WASM runtime on one and two threads against PyTorch on one thread in NCHW and
// channels_last (a script in test/fixtures/train/, run as a subprocess from the same initial
// weights and batch; its first loss must match netc's). Two networks:
// - cifar-resnet-train: examples/cifar_resnet.net at batch 64 (cifar_resnet_torch_reference.py);
// - mobilenet-train: examples/mobilenet_v1.net at batch 16, 224×224 (mobilenet_v1_torch_reference.py).
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
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
import { findTorchPython } from "../../test/pytorch/python.ts";

const SGD: OptimizerConfig = {
  kind: "sgd",
  lr: 0.05,
  momentum: 0.9,
  nesterov: false,
  weightDecay: 5e-4,
};
/** One network's training bench. */
interface Spec {
  readonly name: string;
  /** Under examples/. */
  readonly file: string;
  readonly batch: number;
  /** Under test/fixtures/train/. */
  readonly script: string;
  /** Timed steps of the PyTorch script (full run; a quarter in --quick). */
  readonly torchSteps: number;
}

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


interface Task {
  readonly spec: Spec;
  readonly program: ReturnType<typeof sliceProgram>;
  readonly weights: Map<string, Float32Array>;
  /** [batch, ...inputShape] NHWC, and the labels. */
  readonly inputShape: readonly number[];
  readonly classes: number;
  readonly x: Float32Array;
  readonly y: Int32Array;
}

interface NetcRun {
  readonly timing: Timing;
  readonly firstLoss: number;
  /** Mean CPU milliseconds per step (all threads): on a shared machine, wall time also counts
   * waiting for a core. */
  readonly cpuMs: number;
}

async function runNetc(threads: 1 | 2, task: Task, ctx: BenchContext): Promise<NetcRun> {
  const { batch } = task.spec;
  const { executor, dispose } = await createWasmExecutor(task.program, { maxBatch: batch, training: true, wasm: { threads } });
  try {
    executor.setParams(task.weights);
    const trainable = new Map([...executor.grads.keys()].map((k) => [k, executor.params.get(k)!]));
    const optimizer = createOptimizer(SGD, new Map([...trainable].map(([k, v]) => [k, v.length])));
    const target = { kind: "classes", data: task.y } as const;
    let firstLoss = NaN;
    const step = () => {
      const [logits] = executor.forward([task.x], batch);
      const { loss, grad } = crossEntropyFromLogits(logits!, target, task.classes);
      if (Number.isNaN(firstLoss)) firstLoss = loss;
      executor.zeroGrads();
      executor.backward([grad]);
      optimizer.step(trainable, executor.grads, SGD.lr);
    };
    const timing = await measure(step, { warmup: 2, minRuns: ctx.quick ? 4 : 10, maxRuns: 40, minTimeMs: ctx.quick ? 2000 : 8000 });
    const cpuSteps = ctx.quick ? 3 : 10;
    const before = process.cpuUsage();
    for (let i = 0; i < cpuSteps; i++) step();
    const used = process.cpuUsage(before);
    return { timing, firstLoss, cpuMs: (used.user + used.system) / 1000 / cpuSteps };
  } finally {
    await dispose();
  }
}

function runTorch(task: Task, graph: ReturnType<typeof loadExample>, steps: number): TorchResult | { skipped: string } {
  const { batch, script } = task.spec;
  const dir = mkdtempSync(join(tmpdir(), `netc-bench-${task.spec.name}-`));
  try {
    const path = join(dir, "w.safetensors");
    writeSafetensors(path, weightsOf(graph, task.weights));
    writeNpy(join(dir, "x.npy"), { shape: [batch, ...task.inputShape], data: task.x });
    writeNpy(join(dir, "y.npy"), { shape: [batch], data: task.y });
    const file = fileURLToPath(new URL(`../../test/fixtures/train/${script}`, import.meta.url));
    const python = findTorchPython();
    if (!python) return { skipped: "no Python with torch (install python3-torch)" };
    const r = spawnSync(python, [file, "--bench", path, dir, String(steps)], { encoding: "utf8" });
    if (r.error || r.status !== 0) return { skipped: (r.error?.message ?? r.stderr.trim().split("\n").at(-1)) || "python3 failed" };
    return JSON.parse(r.stdout.trim().split("\n").at(-1)!) as TorchResult;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function trainingCase(spec: Spec): BenchCase {
  const { name, batch } = spec;
  const imagesPerSecond = (ms: number) => ((1000 * batch) / ms).toFixed(batch < 32 ? 1 : 0);
  return {
    name,
    async run(ctx) {
      const graph = loadExample(spec.file);
      const program = sliceProgram(graph, [graph.nodes[graph.outputs[0]!]!.inputs[0]!]);
      const inputShape = program.nodes[program.inputs[0]!]!.shape;
      const classes = program.nodes[program.outputs[0]!]!.shape.at(-1)!;
      const rng = new Rng(17);
      const x = Float32Array.from({ length: batch * inputShape.reduce((a, d) => a * d, 1) }, () => rng.normal());
      const y = Int32Array.from({ length: batch }, () => rng.nextUint32() % classes);
      const task: Task = { spec, program, weights: initializeParams(graph, 0), inputShape, classes, x, y };
      const measurements: Measurement[] = [];
      const one = await runNetc(1, task, ctx);
      ctx.log(
        `  ${name} netc 1 thread: ${one.timing.medianMs.toFixed(1)} ms/step (CPU ${one.cpuMs.toFixed(1)}), ` +
          `${imagesPerSecond(one.timing.medianMs)} images/s, first loss ${one.firstLoss.toFixed(5)}`,
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
      ctx.log(`  ${name} netc 2 threads: ${two.timing.medianMs.toFixed(1)} ms/step, ${imagesPerSecond(two.timing.medianMs)} images/s`);
      measurements.push({
        implementation: "netc-wasm (2 threads)",
        threads: 2,
        timing: two.timing,
        ratioToNetc: two.timing.medianMs / one.timing.medianMs,
        errorVsNetc: Math.abs(two.firstLoss - one.firstLoss) / one.firstLoss,
        note: `${imagesPerSecond(two.timing.medianMs)} images/s, ${(one.timing.medianMs / two.timing.medianMs).toFixed(2)}× 1 thread`,
      });
      const steps = ctx.quick ? Math.max(2, spec.torchSteps >> 2) : spec.torchSteps;
      const torch = runTorch(task, graph, steps);
      if ("skipped" in torch) ctx.log(`  ${name} PyTorch skipped: ${torch.skipped}`);
      else {
        for (const layout of ["nchw", "channels_last"] as const) {
          const t = torch[layout];
          const diff = Math.abs(t.first_loss - one.firstLoss) / one.firstLoss;
          if (diff > 1e-4) throw new Error(`PyTorch's first loss ${t.first_loss} differs from netc's ${one.firstLoss}: not the same model`);
          ctx.log(`  ${name} PyTorch ${torch.torch} ${layout}: ${t.median_ms.toFixed(1)} ms/step (CPU ${t.cpu_ms.toFixed(1)}), ${imagesPerSecond(t.median_ms)} images/s`);
          measurements.push({
            implementation: `PyTorch ${torch.torch} ${layout === "nchw" ? "NCHW" : "channels_last"} (1 thread)`,
            threads: 1,
            timing: { medianMs: t.median_ms, minMs: t.min_ms, maxMs: t.max_ms, runs: steps },
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
          name,
          description:
            `examples/${spec.file} training step (forward, cross-entropy, backward, SGD momentum), batch ${batch}, ` +
            `random ${inputShape.join("×")} images; diff = first loss`,
          measurements,
        },
      ];
    },
  };
}

export const cifarResnetTrainCase = trainingCase({
  name: "cifar-resnet-train",
  file: "cifar_resnet.net",
  batch: 64,
  script: "cifar_resnet_torch_reference.py",
  torchSteps: 20,
});

export const mobilenetTrainCase = trainingCase({
  name: "mobilenet-train",
  file: "mobilenet_v1.net",
  batch: 16,
  script: "mobilenet_v1_torch_reference.py",
  torchSteps: 8,
});
