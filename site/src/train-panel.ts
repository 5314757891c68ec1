// The training panel: Train, Stop/Resume, epochs, status (epoch, step, loss, images/s), live
// curves (the renderer of `netc plot`), validation metrics, predictions on validation digits,
// and the downloads.
import type { Prediction, SiteData, TrainReply, TrainRequest } from "./protocol.ts";

export interface TrainTarget {
  readonly source: string;
  readonly model: string | undefined;
  readonly epochs: number | undefined;
  /** The model's output shape, to pick the data for it. */
  readonly output: readonly number[] | undefined;
}

const DATA_NOTES: Record<SiteData, string> = {
  mnist: "MNIST: 8,000 training digits, 2,000 for validation (as netc train --data mnist)",
  nuclei: "nuclei: 320 training images of 96×96, 80 for validation (as netc train --data nuclei)",
};

/** A mask output (height × width × 1) trains on the nuclei; anything else on the digits. */
export function dataFor(output: readonly number[] | undefined): SiteData {
  return output && output.length === 3 && output[2] === 1 ? "nuclei" : "mnist";
}

export class TrainPanel {
  private state: "idle" | "running" | "paused" = "idle";
  private readonly worker: Worker;

  constructor(
    private readonly root: HTMLElement,
    workerUrl: string,
    private readonly target: () => TrainTarget,
  ) {
    this.worker = new Worker(workerUrl, { type: "module" });
    this.worker.onmessage = (event: MessageEvent<TrainReply>) => this.receive(event.data);
    this.$("train").addEventListener("click", () => this.train());
    this.$("pause").addEventListener("click", () => this.togglePause());
    const threads = this.$("threads") as HTMLSelectElement;
    if (crossOriginIsolated) threads.value = "2";
    else {
      threads.value = "1";
      threads.disabled = true;
      threads.title = "two threads need a cross-origin isolated page (COOP/COEP headers)";
    }
    this.$("data").addEventListener("change", () => this.showDataNote());
    for (const what of ["weights", "module", "onnx"] as const)
      this.$(`download-${what}`).addEventListener("click", () => this.download(what));
  }

  private data(): SiteData {
    const choice = (this.$("data") as HTMLSelectElement).value;
    return choice === "mnist" || choice === "nuclei" ? choice : dataFor(this.target().output);
  }

  private showDataNote(): void {
    this.$("data-note").textContent = DATA_NOTES[this.data()];
  }

  /** The train section's epochs for the model now in the editor (the field's default). */
  setDefaults(epochs: number | undefined): void {
    this.showDataNote();
    const field = this.$("epochs") as HTMLInputElement;
    if (document.activeElement !== field) field.value = epochs === undefined ? "" : String(epochs);
  }

  private $(name: string): HTMLElement {
    return this.root.querySelector(`[data-train="${name}"]`)!;
  }

  private send(request: TrainRequest): void {
    this.worker.postMessage(request);
  }

  private train(): void {
    if (this.state !== "idle") {
      this.send({ kind: "cancel" });
      return;
    }
    const t = this.target();
    if (!t.model) {
      this.notice("The editor holds no model that checks without errors; fix the errors first.", "error");
      return;
    }
    const field = (this.$("epochs") as HTMLInputElement).value.trim();
    const epochs = field === "" ? (t.epochs ?? 1) : Number(field);
    if (!Number.isInteger(epochs) || epochs < 1 || epochs > 1000) {
      this.notice("Epochs must be a whole number from 1 to 1000.", "error");
      return;
    }
    const threads = (this.$("threads") as HTMLSelectElement).value === "2" ? 2 : 1;
    this.send({ kind: "train", source: t.source, model: t.model, epochs, threads, data: this.data() });
    this.setState("running");
    this.notice("");
    this.$("status").textContent = "compiling and loading the data…";
    this.$("predictions").innerHTML = "";
  }

  private togglePause(): void {
    if (this.state === "running") this.send({ kind: "pause" });
    else if (this.state === "paused") this.send({ kind: "resume" });
  }

  private download(what: "weights" | "module" | "onnx"): void {
    const t = this.target();
    if (!t.model) {
      this.notice("The editor holds no model that checks without errors; fix the errors first.", "error");
      return;
    }
    this.send({ kind: "download", what, source: t.source, model: t.model });
  }

  private setState(state: "idle" | "running" | "paused"): void {
    this.state = state;
    this.root.dataset.state = state;
    this.$("train").textContent = state === "idle" ? "Train" : "Stop";
    const pause = this.$("pause") as HTMLButtonElement;
    pause.disabled = state === "idle";
    pause.textContent = state === "paused" ? "Resume" : "Pause";
  }

  notice(text: string, kind: "error" | "info" = "info"): void {
    const el = this.$("notice");
    el.textContent = text;
    el.className = `notice ${text ? kind : ""}`;
  }

  private receive(reply: TrainReply): void {
    switch (reply.kind) {
      case "ready":
        if (!reply.simd)
          document.getElementById("simd-notice")!.hidden = false;
        break;
      case "progress":
        this.$("status").textContent =
          `epoch ${reply.epoch}/${reply.epochs} · step ${reply.step}/${reply.steps} · loss ${reply.loss.toFixed(4)} · ` +
          `${Math.round(reply.imagesPerSecond).toLocaleString("en-US")} images/s`;
        this.$("rate").textContent = Math.round(reply.imagesPerSecond).toLocaleString("en-US");
        this.$("curves").innerHTML = reply.curves;
        break;
      case "epoch": {
        const metrics = Object.entries(reply.metrics)
          .map(([k, v]) => `${k === "loss" ? "val_loss" : k} ${v.toFixed(4)}`)
          .join(" · ");
        const line = document.createElement("li");
        line.textContent = `epoch ${reply.epoch}/${reply.epochs}: loss ${reply.loss.toFixed(4)} · ${Math.round(reply.imagesPerSecond).toLocaleString("en-US")} images/s · ${reply.seconds.toFixed(1)} s · ${metrics}`;
        line.dataset.epoch = String(reply.epoch);
        if (reply.metrics.accuracy !== undefined) line.dataset.accuracy = String(reply.metrics.accuracy);
        line.dataset.metrics = JSON.stringify({ train_loss: reply.loss, ...reply.metrics });
        line.dataset.imagesPerSecond = String(reply.imagesPerSecond);
        this.$("epochs-log").append(line);
        this.$("curves").innerHTML = reply.curves;
        break;
      }
      case "paused":
        this.setState("paused");
        this.$("status").textContent += " · paused";
        break;
      case "resumed":
        this.setState("running");
        break;
      case "done":
        this.setState("idle");
        this.$("status").textContent += reply.stopped ? " · stopped" : " · done";
        this.showPredictions(reply.predictions);
        break;
      case "refused":
      case "failed":
        this.setState("idle");
        this.$("status").textContent = "";
        this.notice(reply.message, "error");
        break;
      case "file": {
        const url = URL.createObjectURL(new Blob([reply.bytes as BlobPart], { type: reply.mime }));
        const a = document.createElement("a");
        a.href = url;
        a.download = reply.name;
        document.body.append(a);
        a.click();
        a.remove();
        setTimeout(() => URL.revokeObjectURL(url), 10_000);
        break;
      }
    }
  }

  private showPredictions(predictions: readonly Prediction[]): void {
    const box = this.$("predictions");
    box.innerHTML = "";
    for (const p of predictions) {
      if (p.kind === "mask") {
        box.append(maskFigure(p));
        continue;
      }
      const figure = document.createElement("figure");
      figure.className = p.predicted === p.label ? "right" : "wrong";
      figure.dataset.predicted = String(p.predicted);
      figure.dataset.label = String(p.label);
      figure.dataset.probabilities = JSON.stringify(p.probabilities);
      const canvas = greyCanvas(p.pixels, 28, true);
      const caption = document.createElement("figcaption");
      caption.innerHTML = `<strong>${p.predicted}</strong> ${(Math.max(...p.probabilities) * 100).toFixed(1)}%<br><span>label ${p.label}</span>`;
      figure.append(canvas, caption);
      box.append(figure);
    }
  }
}

/** A canvas of size×size values in [0, 1], dark on light when `inverted` (digits). */
function greyCanvas(values: Float32Array, size: number, inverted: boolean): HTMLCanvasElement {
  const canvas = document.createElement("canvas");
  canvas.width = size;
  canvas.height = size;
  const ctx = canvas.getContext("2d")!;
  const image = ctx.createImageData(size, size);
  values.forEach((v, i) => {
    const g = Math.round((inverted ? 1 - v : v) * 255);
    image.data.set([g, g, g, 255], i * 4);
  });
  ctx.putImageData(image, 0, 0);
  return canvas;
}

/** The image, the predicted mask (probability as brightness) and the true mask, with the dice. */
function maskFigure(p: Extract<Prediction, { kind: "mask" }>): HTMLElement {
  const figure = document.createElement("figure");
  figure.className = "mask";
  figure.dataset.dice = String(p.dice);
  const row = document.createElement("div");
  row.className = "mask-row";
  row.append(greyCanvas(p.pixels, p.size, false), greyCanvas(p.predicted, p.maskSize, false), greyCanvas(p.truth, p.maskSize, false));
  const caption = document.createElement("figcaption");
  caption.innerHTML = `image · predicted · true mask<br><strong>dice ${p.dice.toFixed(3)}</strong>`;
  figure.append(row, caption);
  return figure;
}
