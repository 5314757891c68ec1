// The analysis worker's code. The package ships it built (dist/analysis-worker.js, next to the
// bundled server code, made by scripts/build.ts): the worker starts from that file. Run from
// the TypeScript sources (tests, tsx), it is bundled here in memory into one CommonJS script by
// esbuild, a dev dependency (~0.2 s, while the editor is still initializing). Either way the worker runs
// plain bundled JavaScript, not tsx's output: tsx compiles with `keepNames`, which wraps every
// closure the Chevrotain grammar allocates on each rule call (parsing ~1.4× slower).
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const prebuilt = new URL("./analysis-worker.js", import.meta.url);

/** The built worker's file, or the bundled script's text (for `new Worker(code, { eval: true })`). */
export type WorkerCode = URL | string;

let code: Promise<WorkerCode> | undefined;

/** The worker's code, found or bundled once per process. Rejects when esbuild cannot bundle it. */
export function analysisWorkerCode(): Promise<WorkerCode> {
  code ??= existsSync(prebuilt) ? Promise.resolve(prebuilt) : bundleFromSources();
  return code;
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
