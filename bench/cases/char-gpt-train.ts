// examples/char_gpt.net training: one step (forward, cross-entropy over the 16 positions of each
// of 32 windows of --data words, backward, AdamW) in tokens/s on one thread — netc's WASM
// runtime against PyTorch on one thread (test/fixtures/train/char_gpt_torch_reference.py, run
// as a subprocess from the same initial weights and batch; its first loss must match netc's).
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadData } from "../../src/data/load-data.ts";
import { writeNpy } from "../../src/io/npy.ts";
import { writeSafetensors } from "../../src/io/safetensors.ts";
import { weightsOf } from "../../src/backends/interpret/trainer.ts";
import { createWasmExecutor, initializeParams } from "../../src/runtime/index.ts";
import { crossEntropyFromLogits } from "../../src/runtime/train/losses.ts";
import { createOptimizer, type OptimizerConfig } from "../../src/runtime/train/optimizers.ts";
import { measure, type BenchCase, type Measurement } from "../harness.ts";
import { loadExample } from "../models.ts";
import { findTorchPython } from "../../test/pytorch/python.ts";

const BATCH = 32;
const T = 16;
const V = 27;
const ADAMW: OptimizerConfig = { kind: "adamw", lr: 0.003, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01 };
const TORCH_SCRIPT = fileURLToPath(new URL("../../test/fixtures/train/char_gpt_torch_reference.py", import.meta.url));

interface TorchResult {
  readonly first_loss: number;
  readonly median_ms: number;
  /** Mean CPU milliseconds per step (process time). */
  readonly cpu_ms: number;
  readonly torch: string;
}

export const charGptTrainCase: BenchCase = {
  name: "char-gpt-train",
  async run(ctx) {
    const graph = loadExample("char_gpt.net");
    const { train } = loadData("words", [T, V], 0, { name: "ids", shape: [T] });
    const x = train.x.slice(0, BATCH * T);
    const y = train.labels.data.slice(0, BATCH * T) as Int32Array;
    const weights = initializeParams(graph, 0);
    const { executor, dispose } = await createWasmExecutor(graph, { maxBatch: BATCH, training: true });
    let netcMs: number;
    let firstLoss: number;
    try {
      executor.setParams(weights);
      const target = { kind: "classes", data: y } as const;
      firstLoss = crossEntropyFromLogits(executor.forward([x], BATCH)[0]!.slice(0, BATCH * T * V), target, V).loss;
      const trainable = new Map([...executor.grads.keys()].map((k) => [k, executor.params.get(k)!]));
      const optimizer = createOptimizer(ADAMW, new Map([...trainable].map(([k, v]) => [k, v.length])));
      const step = () => {
        executor.zeroGrads();
        const [logits] = executor.forward([x], BATCH);
        executor.backward([crossEntropyFromLogits(logits!, target, V).grad]);
        optimizer.step(trainable, executor.grads, ADAMW.lr);
      };
      const timing = await measure(step, { warmup: 3, minRuns: 10, minTimeMs: ctx.quick ? 1000 : 4000 });
      // CPU time per step too: on a shared machine the wall time also counts waiting for a core.
      const cpuSteps = ctx.quick ? 10 : 30;
      const before = process.cpuUsage();
      for (let i = 0; i < cpuSteps; i++) step();
      const used = process.cpuUsage(before);
      const netcCpuMs = (used.user + used.system) / 1000 / cpuSteps;
      netcMs = timing.medianMs;
      const measurements: Measurement[] = [
        {
          implementation: "netc-wasm (1 thread)",
          threads: 1,
          baseline: true,
          timing,
          ratioToNetc: 1,
          note: `${tokensPerSecond(timing.medianMs)} tokens/s; CPU ${netcCpuMs.toFixed(1)} ms/step = ${tokensPerSecond(netcCpuMs)} tokens/CPU-s`,
        },
      ];
      ctx.log(`  char-gpt-train netc-wasm: ${netcMs.toFixed(2)} ms/step (CPU ${netcCpuMs.toFixed(2)}), ${tokensPerSecond(netcMs)} tokens/s, first loss ${firstLoss.toFixed(5)}`);

      const torch = runTorch(graph, weights, x, y, ctx.quick ? 20 : 60);
      if ("skipped" in torch) ctx.log(`  char-gpt-train PyTorch skipped: ${torch.skipped}`);
      else {
        const diff = Math.abs(torch.first_loss - firstLoss) / firstLoss;
        if (diff > 1e-4) throw new Error(`PyTorch's first loss ${torch.first_loss} differs from netc's ${firstLoss}: not the same model`);
        ctx.log(`  char-gpt-train PyTorch ${torch.torch}: ${torch.median_ms.toFixed(2)} ms/step (CPU ${torch.cpu_ms.toFixed(2)}), ${tokensPerSecond(torch.median_ms)} tokens/s`);
        measurements.push({
          implementation: `PyTorch ${torch.torch} (1 thread)`,
          threads: 1,
          timing: { medianMs: torch.median_ms, minMs: torch.median_ms, maxMs: torch.median_ms, runs: ctx.quick ? 20 : 60 },
          ratioToNetc: torch.median_ms / netcMs,
          errorVsNetc: diff,
          note: `${tokensPerSecond(torch.median_ms)} tokens/s; CPU ${torch.cpu_ms.toFixed(1)} ms/step = ${tokensPerSecond(torch.cpu_ms)} tokens/CPU-s (CPU ${(torch.cpu_ms / netcCpuMs).toFixed(2)}× netc's)`,
        });
      }
      return [
        {
          name: "char-gpt-train",
          description: `examples/char_gpt.net training step (forward, cross-entropy, backward, AdamW), ${BATCH} windows × ${T} tokens, 1 thread; diff = first loss`,
          measurements,
        },
      ];
    } finally {
      await dispose();
    }
  },
};

const tokensPerSecond = (ms: number) => Math.round((1000 * BATCH * T) / ms).toLocaleString("en-US");

function runTorch(
  graph: ReturnType<typeof loadExample>,
  weights: ReadonlyMap<string, Float32Array>,
  x: Float32Array,
  y: Int32Array,
  steps: number,
): TorchResult | { skipped: string } {
  const dir = mkdtempSync(join(tmpdir(), "netc-bench-chargpt-"));
  try {
    const path = join(dir, "w.safetensors");
    writeSafetensors(path, weightsOf(graph, weights));
    writeNpy(join(dir, "x.npy"), { shape: [BATCH, T], data: Int32Array.from(x) });
    writeNpy(join(dir, "y.npy"), { shape: [BATCH, T], data: y });
    const python = findTorchPython();
    if (!python) return { skipped: "no Python with torch (install python3-torch)" };
    const r = spawnSync(python, [TORCH_SCRIPT, "--bench", path, dir, String(steps)], { encoding: "utf8" });
    if (r.error || r.status !== 0) return { skipped: (r.error?.message ?? r.stderr.trim().split("\n").at(-1)) || "python3 failed" };
    return JSON.parse(r.stdout.trim().split("\n").at(-1)!) as TorchResult;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
