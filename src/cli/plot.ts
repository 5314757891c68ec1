// `netc plot run.ndjson [more.ndjson...] -o curves.svg|png [--title T]`: training curves from
// saved `netc train --json` logs, several runs overlaid.
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import type { Command } from "commander";
import { parseRunLog, RunLogError, type Run } from "../viz/run-log.ts";
import { UsageError } from "./check.ts";
import { InputError } from "./load-graph.ts";
import { pictureFormat, writePicture } from "./viz.ts";

function readRun(file: string): Run {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new UsageError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (e as Error).message}`);
  }
  try {
    return parseRunLog(file, text);
  } catch (e) {
    if (e instanceof RunLogError) throw new InputError(`error: ${e.message}`);
    throw e;
  }
}

/** Runs are named by their file, without the directory and extension where that stays unique. */
function runNames(files: readonly string[]): string[] {
  const short = files.map((f) => basename(f).replace(/\.(nd)?jsonl?$/, ""));
  return new Set(short).size === short.length ? short : [...files];
}

export async function runPlot(files: readonly string[], opts: { output?: string; title?: string }): Promise<number> {
  if (opts.output !== undefined) pictureFormat(opts.output, "-o");
  const names = runNames(files);
  const runs = files.map((f, i) => ({ ...readRun(f), name: names[i]! }));
  const { renderCurvesSvg } = await import("../viz/curves.ts");
  const svg = renderCurvesSvg(runs, opts.title ?? "training curves");
  if (opts.output === undefined) process.stdout.write(svg);
  else await writePicture(opts.output, svg);
  return 0;
}

export function registerPlot(program: Command): void {
  program
    .command("plot")
    .description("draw training curves from `netc train --json` logs (several overlaid)")
    .argument("<logs...>", "NDJSON logs written by netc train --json")
    .option("-o, --output <picture>", "write to this .svg or .png (default: SVG on stdout)")
    .option("--title <text>", "the picture's title", "training curves")
    .action(async (files: string[], opts: { output?: string; title?: string }) => {
      process.exitCode = await runPlot(files, opts);
    });
}
