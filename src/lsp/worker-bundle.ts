// The analysis worker's code. The package ships it built (dist/analysis-worker.js, next to the
// bundled server code, made by scripts/build.ts): the worker starts from that file. Run from
// the TypeScript sources (tests, tsx), it is bundled here in memory into one CommonJS script by
// esbuild, a dev dependency (~0.2 s, while the editor is still initializing). Either way the worker runs
// plain bundled JavaScript, not tsx's output: tsx compiles with `keepNames`, which wraps every
// closure the Chevrotain grammar allocates on each rule call (parsing ~1.4× slower).
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker, type WorkerOptions } from "node:worker_threads";

const prebuilt = new URL("./analysis-worker.js", import.meta.url);

/** The built worker's file, or the bundled script's text (for `new Worker(code, { eval: true })`). */
export type WorkerCode = URL | string;

let code: Promise<WorkerCode> | undefined;

/** The worker's code, found or bundled once per process. Rejects when esbuild cannot bundle it. */
export function analysisWorkerCode(): Promise<WorkerCode> {
  code ??= existsSync(prebuilt) ? Promise.resolve(prebuilt) : bundleFromSources();
  return code;
}

/** The worker's nursery: 64 MB semi-spaces instead of V8's 16. Analysing 1,000 lines allocates
 * ~22 MB, and the ~8 MB concrete syntax tree stays alive to the end of the parse: with the
 * default, about every analysis stops for a young collection that copies that tree (~10 ms);
 * with this, about every other one (the median edit gets none). */
const YOUNG_GENERATION_MB = 192;

/** The worker's heap unless the editor sets another (see analyzer.ts's defaultLimits). */
export const DEFAULT_MAX_HEAP_MB = 1_024;

export function workerOptions(code: WorkerCode, maxHeapMb: number): WorkerOptions {
  return {
    eval: typeof code === "string",
    execArgv: [],
    resourceLimits: { maxOldGenerationSizeMb: maxHeapMb, maxYoungGenerationSizeMb: YOUNG_GENERATION_MB },
  };
}

let early: { readonly worker: Worker; readonly maxHeapMb: number; ready: boolean; failed: boolean; stop(): void } | undefined;

/** Starts the built worker now, so that it loads the checker while the server's own code is
 * still loading (they overlap on two cores); the first Analyzer adopts it. Does nothing when
 * run from the sources. */
export function startWorkerEarly(maxHeapMb = DEFAULT_MAX_HEAP_MB): void {
  if (early || !existsSync(prebuilt)) return;
  const worker = new Worker(prebuilt, workerOptions(prebuilt, maxHeapMb));
  // Until adopted, this notes what the worker says (its only message then is `ready`: a
  // Worker's messages are not kept for listeners that come later) and whether it failed.
  const onMessage = () => (started.ready = true);
  const onFailure = () => (started.failed = true);
  const started = {
    worker,
    maxHeapMb,
    ready: false,
    failed: false,
    stop: () => worker.off("message", onMessage).off("error", onFailure).off("exit", onFailure),
  };
  worker.on("message", onMessage).on("error", onFailure).on("exit", onFailure);
  worker.unref();
  early = started;
}

/** The early worker, if it runs with these limits (otherwise it is ended), and whether it has
 * said it is ready. The caller adds its listeners at once. */
export function adoptEarlyWorker(maxHeapMb: number): { worker: Worker; ready: boolean } | undefined {
  const taken = early;
  early = undefined;
  if (!taken) return undefined;
  taken.stop();
  if (taken.failed || taken.maxHeapMb !== maxHeapMb) {
    void taken.worker.terminate();
    return undefined;
  }
  return { worker: taken.worker, ready: taken.ready };
}

async function bundleFromSources(): Promise<string> {
  const { build, stop } = await import("esbuild");
  try {
    const result = await build({
      entryPoints: [fileURLToPath(new URL("./analysis-worker.ts", import.meta.url))],
      bundle: true,
      platform: "node",
      format: "cjs",
      target: "node20",
      write: false,
      logLevel: "silent",
    });
    return result.outputFiles[0]!.text;
  } finally {
    // esbuild's service process is not needed again.
    void stop();
  }
}
