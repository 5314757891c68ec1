// The messages between the page and its two workers: the analysis worker (the language server's
// analysis: diagnostics, hover, completion, inlay shapes, summary, graph picture) and the
// training worker (MNIST training on the WebAssembly kernels, predictions, downloads).
// Positions are UTF-16 offsets into the text, as everywhere in netc and in CodeMirror.
import type { SummaryJson } from "../../src/cli/summary.ts";

export interface PageDiagnostic {
  readonly from: number;
  readonly to: number;
  readonly severity: "error" | "warning" | "info" | "hint";
  readonly code: string;
  readonly message: string;
  readonly fixes: readonly { readonly title: string; readonly edits: readonly { from: number; to: number; insert: string }[] }[];
}

export interface ModelInfo {
  readonly summary: SummaryJson;
  /** The train section's batch and epochs, when the model has one. */
  readonly train?: { readonly batch: number; readonly epochs: number };
}

export interface PageCompletion {
  readonly label: string;
  readonly type?: string;
  readonly detail?: string;
  readonly info?: string;
  readonly apply: string;
  /** `apply` holds `${1:name}` fields. */
  readonly snippet: boolean;
}

export type AnalysisRequest =
  | { readonly kind: "analyze"; readonly version: number; readonly text: string }
  | { readonly kind: "hover"; readonly id: number; readonly version: number; readonly offset: number }
  | { readonly kind: "complete"; readonly id: number; readonly version: number; readonly offset: number }
  | { readonly kind: "graph"; readonly version: number; readonly model: string };

export type AnalysisReply =
  /** Sent once the checker is loaded: time limits count from here, not from the start-up. */
  | { readonly kind: "ready" }
  | {
      readonly kind: "diagnostics";
      readonly version: number;
      readonly diagnostics: readonly PageDiagnostic[];
      /** Parse + check time in the worker. */
      readonly ms: number;
    }
  | {
      readonly kind: "analysis";
      readonly version: number;
      readonly hints: readonly { readonly at: number; readonly label: string }[];
      readonly models: readonly ModelInfo[];
      readonly failure?: string;
    }
  | { readonly kind: "hover"; readonly id: number; readonly markdown: string | null; readonly from?: number; readonly to?: number }
  | { readonly kind: "complete"; readonly id: number; readonly items: readonly PageCompletion[] }
  | { readonly kind: "graph"; readonly version: number; readonly model: string; readonly svg: string };

export interface TrainStart {
  readonly kind: "train";
  readonly source: string;
  readonly model: string;
  readonly epochs: number;
  /** Kernel threads: 2 when the page is cross-origin isolated (and the user keeps them). */
  readonly threads: 1 | 2;
  readonly data: SiteData;
}

/** The bundled data: MNIST digits (classification) or the procedural nuclei (segmentation). */
export type SiteData = "mnist" | "nuclei";

export type TrainRequest =
  | TrainStart
  | { readonly kind: "pause" }
  | { readonly kind: "resume" }
  | { readonly kind: "cancel" }
  | { readonly kind: "download"; readonly what: "weights" | "module" | "onnx"; readonly source: string; readonly model: string };

export type Prediction =
  | {
      readonly kind: "class";
      /** 28×28 pixels in [0, 1]. */
      readonly pixels: Float32Array;
      readonly label: number;
      readonly predicted: number;
      readonly probabilities: readonly number[];
    }
  | {
      readonly kind: "mask";
      /** The input image, size×size in [0, 1]. */
      readonly pixels: Float32Array;
      readonly size: number;
      /** The predicted foreground probabilities and the true mask, maskSize×maskSize (the image's centre). */
      readonly predicted: Float32Array;
      readonly truth: Float32Array;
      readonly maskSize: number;
      /** Dice of the thresholded prediction (0.5) against the truth. */
      readonly dice: number;
    };

export type TrainReply =
  | { readonly kind: "ready"; readonly simd: boolean; readonly digits: number }
  | {
      readonly kind: "progress";
      readonly epoch: number;
      readonly epochs: number;
      readonly step: number;
      readonly steps: number;
      readonly loss: number;
      readonly imagesPerSecond: number;
      readonly curves: string;
    }
  | {
      readonly kind: "epoch";
      readonly epoch: number;
      readonly epochs: number;
      readonly loss: number;
      readonly imagesPerSecond: number;
      readonly seconds: number;
      readonly metrics: Readonly<Record<string, number>>;
      readonly curves: string;
    }
  | { readonly kind: "paused" }
  | { readonly kind: "resumed" }
  | { readonly kind: "done"; readonly stopped: boolean; readonly predictions: readonly Prediction[] }
  | { readonly kind: "refused"; readonly message: string }
  | { readonly kind: "failed"; readonly message: string }
  | { readonly kind: "file"; readonly name: string; readonly mime: string; readonly bytes: Uint8Array };
