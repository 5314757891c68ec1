// The page's training worker: compiles the editor's model with netc/browser, trains it on the
// bundled MNIST with the model's train section on the WebAssembly SIMD kernels (the JavaScript
// kernels where the engine has no SIMD), reports progress and curves, predicts a few validation
// digits, and makes the downloads (weights, standalone module, ONNX).
import { compileGraph, emitTs, Model, CompileError } from "../../src/browser.ts";
import { exportOnnx } from "../../src/backends/onnx/index.ts";
import type { DataSplit } from "../../src/data/dataset.ts";
import { loadData } from "../../src/data/load-data.ts";
import { modelShapes, validateData } from "../../src/data/validate-data.ts";
import { detectSimd } from "../../src/runtime/wasm/host/features.ts";
import { renderCurvesSvg } from "../../src/viz/curves.ts";
import type { EpochPoint } from "../../src/viz/run-log.ts";
import { loadSiteMnist, PIXELS } from "./mnist-data.ts";
import type { Prediction, SiteData, TrainReply, TrainRequest, TrainStart } from "./protocol.ts";
import type { Graph } from "../../src/ir/graph.ts";
import { trainingBytes, TRAINING_BYTES_LIMIT } from "./training-memory.ts";

const post = (reply: TrainReply, transfer: Transferable[] = []) => postMessage(reply, { transfer });
const MNIST_URL = new URL("mnist.bin", self.location.href).href;
/** Validation digits shown with their predictions. */
const PREDICTED = 8;
/** Validation nuclei images shown with their predicted masks. */
const PREDICTED_MASKS = 4;
/** Progress (and its curves) at most this often. */
const PROGRESS_MS = 150;

/** The trained model of the last run, with the text and model it was trained from. */
let trained: { source: string; model: string; instance: Model } | undefined;
let running = false;
let cancelled = false;
let resumeRun: (() => void) | undefined;
let pauseRequested = false;

/** One macrotask turn without setTimeout's 4 ms clamp: a message to ourselves. */
const channel = new MessageChannel();
const waiting: (() => void)[] = [];
channel.port1.onmessage = () => waiting.shift()?.();
const nextTurn = () =>
  new Promise<void>((resolve) => {
    waiting.push(resolve);
    channel.port2.postMessage(0);
  });

onmessage = (event: MessageEvent<TrainRequest>) => {
  const request = event.data;
  switch (request.kind) {
    case "train":
      if (!running) void run(request);
      break;
    case "pause":
      pauseRequested = true;
      break;
    case "resume":
      pauseRequested = false;
      resumeRun?.();
      break;
    case "cancel":
      cancelled = true;
      pauseRequested = false;
      resumeRun?.();
      break;
    case "download":
      void download(request.what, request.source, request.model);
      break;
  }
};

post({ kind: "ready", simd: detectSimd(), digits: 0 });

async function run(request: TrainStart): Promise<void> {
  running = true;
  cancelled = false;
  pauseRequested = false;
  try {
    // The graph first: a model too large to train must not have its weights initialised here.
    const graph = compileGraph(request.source, { model: request.model, file: "playground.net" });
    const config = graph.train;
    if (!config) {
      post({
        kind: "refused",
        message: `model ${request.model} has no train section, so there is nothing to train with: add one, e.g.\n` +
          `train ${request.model} { loss: cross_entropy  optimizer: adam(lr = 0.001)  batch: 32  epochs: 5 }`,
      });
      return;
    }
    const bytes = trainingBytes(graph.totals, config.batch);
    if (bytes > TRAINING_BYTES_LIMIT) {
      post({
        kind: "refused",
        message: `${request.model} needs about ${gib(bytes)} to train with batch ${config.batch} ` +
          `(weights, gradients and optimizer state ${gib(graph.totals.paramBytes * 4)}, activations ${gib(graph.totals.activationBytesTraining * config.batch)}); ` +
          `a browser tab allows ${gib(TRAINING_BYTES_LIMIT)}. Use \`netc train\` or \`netc export --pytorch\` for it.`,
      });
      return;
    }
    const data = await siteData(request.data, graph);
    try {
      const shapes = modelShapes(graph);
      validateData(shapes, config.loss.kind, data.train);
    } catch (error) {
      post({ kind: "refused", message: `the bundled data does not fit ${request.model}: ${(error as Error).message}` });
      return;
    }
    // As `netc train`: the train section's seed initialises the weights.
    const model = new Model(graph);
    model.initialize(config.seed);
    await fit(model, data, request);
    trained = { source: request.source, model: request.model, instance: model };
    post({ kind: "done", stopped: cancelled, predictions: request.data === "mnist" ? await predict(model, data) : await predictMasks(model, data) });
  } catch (error) {
    post({ kind: "failed", message: error instanceof CompileError ? error.message : String((error as Error).message ?? error) });
  } finally {
    running = false;
    resumeRun = undefined;
  }
}

async function fit(model: Model, data: DataSplit, request: TrainStart): Promise<void> {
  const epochs: EpochPoint[] = [];
  let stepLosses: number[] = [];
  let lastPost = 0;
  const title = `${request.model} on ${request.data === "mnist" ? "MNIST" : "nuclei"}`;
  const curves = (partial?: EpochPoint) => renderCurvesSvg([{ name: request.model, epochs: partial ? [...epochs, partial] : epochs }], title);
  await model.fit(data, {
    config: { epochs: request.epochs },
    onProgress: (p) => {
      stepLosses.push(p.batchLoss);
      const now = performance.now();
      if (now - lastPost < PROGRESS_MS && p.step !== p.steps) return;
      lastPost = now;
      post({
        kind: "progress",
        epoch: p.epoch,
        epochs: p.epochs,
        step: p.step,
        steps: p.steps,
        loss: p.loss,
        imagesPerSecond: p.imagesPerSecond,
        curves: curves({ epoch: p.epoch, loss: p.loss, lr: p.lr, stepLosses }),
      });
    },
    onEpoch: (r) => {
      const val = r.val ? { loss: r.val.loss, ...r.val.metrics } : undefined;
      epochs.push({ epoch: r.epoch, loss: r.loss, lr: r.lr, stepLosses, ...(val ? { val } : {}) });
      stepLosses = [];
      post({
        kind: "epoch",
        epoch: r.epoch,
        epochs: request.epochs,
        loss: r.loss,
        imagesPerSecond: r.imagesPerSecond,
        seconds: r.seconds,
        metrics: val ?? {},
        curves: curves(),
      });
    },
    shouldStop: () => cancelled,
    // A second kernel thread needs SharedArrayBuffer, which only a cross-origin isolated page has.
    threads: request.threads,
    // Pausing holds the loop between two steps: weights, optimizer state and data order stay.
    betweenSteps: async () => {
      await nextTurn();
      if (!pauseRequested) return;
      post({ kind: "paused" });
      await new Promise<void>((resolve) => (resumeRun = resolve));
      resumeRun = undefined;
      if (!cancelled) post({ kind: "resumed" });
    },
  });
}

/** The data of `netc train --data mnist|nuclei`: the digits from mnist.bin; the nuclei generated
 * here, as the CLI does, with the masks cropped to a valid-convolution U-Net's output. */
async function siteData(which: SiteData, graph: Graph): Promise<DataSplit> {
  if (which === "mnist") return loadSiteMnist(MNIST_URL);
  return loadData("nuclei", graph.nodes[graph.outputs[0]!]!.shape, 0);
}

async function predictMasks(model: Model, data: DataSplit): Promise<Prediction[]> {
  const validation = data.validation!;
  const [size] = validation.sampleShape as [number, number, number];
  const perImage = validation.sampleShape.reduce((a, b) => a * b, 1);
  const x = validation.x.slice(0, PREDICTED_MASKS * perImage);
  const y = await model.forward(x, PREDICTED_MASKS);
  const perMask = y.length / PREDICTED_MASKS;
  const maskSize = Math.round(Math.sqrt(perMask));
  return Array.from({ length: PREDICTED_MASKS }, (_, i) => {
    const predicted = y.slice(i * perMask, (i + 1) * perMask);
    const truth = (validation.labels.data as Float32Array).slice(i * perMask, (i + 1) * perMask);
    let both = 0;
    let sum = 0;
    predicted.forEach((p, j) => {
      const on = p >= 0.5 ? 1 : 0;
      both += on * truth[j]!;
      sum += on + truth[j]!;
    });
    return { kind: "mask" as const, pixels: x.slice(i * perImage, (i + 1) * perImage), size, predicted, truth, maskSize, dice: sum === 0 ? 1 : (2 * both) / sum };
  });
}

async function predict(model: Model, data: DataSplit): Promise<Prediction[]> {
  const validation = data.validation!;
  const x = validation.x.slice(0, PREDICTED * PIXELS);
  const y = await model.forward(x, PREDICTED);
  const classes = y.length / PREDICTED;
  return Array.from({ length: PREDICTED }, (_, i) => {
    const probabilities = [...y.subarray(i * classes, (i + 1) * classes)];
    return {
      kind: "class" as const,
      pixels: x.slice(i * PIXELS, (i + 1) * PIXELS),
      label: validation.labels.data[i]!,
      predicted: probabilities.indexOf(Math.max(...probabilities)),
      probabilities,
    };
  });
}

function compileModel(source: string, model: string): Model {
  return new Model(compileGraph(source, { model, file: "playground.net" }));
}

/** The trained weights when the model was trained from this very text; else the seeded
 * initialisation of its train section (as `netc export` without --weights). */
function weightsFor(source: string, modelName: string): { model: Model; trained: boolean } {
  if (trained && trained.source === source && trained.model === modelName) return { model: trained.instance, trained: true };
  const model = compileModel(source, modelName);
  // As `netc export` without --weights: the train section's seed, else seed 0.
  model.initialize(model.graph.train?.seed ?? 0);
  return { model, trained: false };
}

async function download(what: "weights" | "module" | "onnx", source: string, modelName: string): Promise<void> {
  try {
    const { model } = weightsFor(source, modelName);
    const base = modelName.toLowerCase();
    const values = new Map([...model.getWeights()].map(([key, t]) => [key, t.data]));
    let file: { name: string; mime: string; bytes: Uint8Array };
    if (what === "weights") file = { name: `${base}.safetensors`, mime: "application/octet-stream", bytes: model.weightsBytes() };
    else if (what === "onnx") file = { name: `${base}.onnx`, mime: "application/octet-stream", bytes: exportOnnx(model.graph, values, { modelName }) };
    else {
      const code = await emitTs(model.graph, { weights: values, embedWeights: true });
      file = { name: `${base}.ts`, mime: "text/typescript", bytes: new TextEncoder().encode(code) };
    }
    post({ kind: "file", ...file }, [file.bytes.buffer as ArrayBuffer]);
  } catch (error) {
    post({ kind: "failed", message: (error as Error).message });
  }
}

function gib(bytes: number): string {
  return bytes >= 2 ** 30 ? `${(bytes / 2 ** 30).toFixed(1)} GiB` : `${Math.round(bytes / 2 ** 20)} MiB`;
}
