// `npx tsx bench/profile-train.ts [file.net] [batch] [steps]`: where one training step's time
// goes — each node's forward and backward on the WebAssembly backend, the loss and the optimizer
// — for the LeNet-5 step of bench/cases/lenet-train.ts (batch 64, Adam) or another example's:
// minimum and median over `steps` (default 100) steps after 10 of warm-up.
import { initializeParams, sliceProgram } from "../src/runtime/index.ts";
import { crossEntropyFromLogits } from "../src/runtime/train/losses.ts";
import { createOptimizer } from "../src/runtime/train/optimizers.ts";
import { loadExample, sineInput } from "./models.ts";
import { profiledWasmExecutor } from "./profiled-executor.ts";

const file = process.argv[2] ?? "lenet5.net";
const BATCH = Number(process.argv[3] ?? 64);
const STEPS = 10 + Number(process.argv[4] ?? 100);
const graph = loadExample(file);
const program = sliceProgram(graph, [graph.nodes[graph.outputs[0]!]!.inputs[0]!]);
const classes = program.nodes[program.outputs[0]!]!.shape.at(-1)!;
const inputSize = program.nodes[program.inputs[0]!]!.shape.reduce((a, d) => a * d, 1);

const samples = new Map<string, number[]>();
const record = (key: string, ms: number) => {
  if (!samples.has(key)) samples.set(key, []);
  samples.get(key)!.push(ms);
};
const { executor, dispose } = await profiledWasmExecutor(
  program,
  { maxBatch: BATCH, training: true },
  {
    onTime: (pass, node, ms) => {
      const { name, attrs } = program.nodes[node]!;
      record(`${pass === "forward" ? "fwd" : "bwd"} ${name} (${attrs.op})`, ms);
    },
  },
);
executor.setParams(initializeParams(program, 0));
const trainable = new Map([...executor.grads.keys()].map((k) => [k, executor.params.get(k)!]));
const optimizer = createOptimizer(
  { kind: "adam", lr: 0.001, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0 },
  new Map([...trainable].map(([k, v]) => [k, v.length])),
);
const images = sineInput(BATCH * inputSize);
const labels = Int32Array.from({ length: BATCH }, (_, i) => (i * 7) % classes);
const time = (key: string, fn: () => void) => {
  const t = performance.now();
  fn();
  record(key, performance.now() - t);
};
for (let step = 0; step < STEPS; step++) {
  if (step === 10) samples.clear(); // warm-up
  const t0 = performance.now();
  time("zeroGrads", () => executor.zeroGrads());
  let logits: Float32Array = new Float32Array(0);
  time("forward (all)", () => ([logits] = executor.forward([images], BATCH)));
  let grad: Float32Array = new Float32Array(0);
  time("loss", () => (grad = crossEntropyFromLogits(logits, { kind: "classes", data: labels }, classes).grad));
  time("backward (all)", () => executor.backward([grad]));
  time("optimizer", () => optimizer.step(trainable, executor.grads, 0.001));
  record("STEP", performance.now() - t0);
}
// On a shared machine the minimum is the steadier figure; the median shows the noise.
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
const min = (xs: number[]) => Math.min(...xs);
const step = samples.get("STEP")!;
console.log(
  `${file}, batch ${BATCH}: ${median(step).toFixed(2)} ms/step median (${((1000 * BATCH) / median(step)).toFixed(0)} images/s), ` +
    `${min(step).toFixed(2)} min (${((1000 * BATCH) / min(step)).toFixed(0)} images/s)`,
);
console.log(`${"".padEnd(32)} ${"min ms".padStart(8)} ${"median".padStart(8)}  % of min step`);
for (const [key, xs] of samples) {
  console.log(`${key.padEnd(32)} ${min(xs).toFixed(3).padStart(8)} ${median(xs).toFixed(3).padStart(8)}  ${((100 * min(xs)) / min(step)).toFixed(1).padStart(5)}%`);
}
await dispose();
