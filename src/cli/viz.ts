// `netc viz FILE [-o model.svg|model.png] [--model M] [--param k=v] [--expand] [--costs]
// [--compare OTHER.net]`: the model graph (or its params/MACs per layer) as a picture.
// SVG on stdout without -o. Also the picture writer shared by `netc plot` and `train --plot`.
import { mkdirSync } from "node:fs";
import { dirname, extname } from "node:path";
import type { Command } from "commander";
import type { ParamValue } from "../check/index.ts";
import { renderDiagnostics } from "../diagnostics/render.ts";
import type { Graph } from "../ir/graph.ts";
import { writeFileAtomic } from "../io/atomic-write.ts";
import type { ModelView } from "../viz/model-view.ts";
import { checkFile, collectParam, hasErrors, UsageError } from "./check.ts";
import { chooseModel, InputError, loadGraph } from "./load-graph.ts";

export type PictureFormat = "svg" | "png";
const FORMATS: readonly PictureFormat[] = ["svg", "png"];

/** The format named by a picture path's extension; a usage error for any other. */
export function pictureFormat(path: string, option: string): PictureFormat {
  const ext = extname(path).slice(1).toLowerCase();
  if ((FORMATS as readonly string[]).includes(ext)) return ext as PictureFormat;
  throw new UsageError(`${option} ${path}: unknown picture format${ext ? ` '.${ext}'` : ""}; use .svg or .png`);
}

/** Writes the picture atomically, as SVG text or rendered to PNG per the path's extension.
 * The renderers load on first use, so other commands never pay for them. */
export async function writePicture(path: string, svg: string): Promise<void> {
  const bytes =
    pictureFormat(path, "-o") === "png" ? (await import("../viz/png.ts")).svgToPng(svg) : new TextEncoder().encode(svg);
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileAtomic(path, [bytes]);
  } catch (e) {
    throw new InputError(`error: cannot write ${path}: ${(e as Error).message}`);
  }
}

export interface VizOptions {
  readonly output?: string;
  readonly model?: string;
  readonly params: Record<string, ParamValue>;
  readonly expand: boolean;
  readonly costs: boolean;
  readonly compare?: string;
}

/** Views of the file's models for a cost chart: --model's, else every model of the file. */
async function costViews(file: string, opts: VizOptions, model: string | undefined): Promise<ModelView[]> {
  const { buildModelView } = await import("../viz/model-view.ts");
  const checked = checkFile(file, { ...(model !== undefined ? { model } : {}), params: opts.params });
  if (model !== undefined) chooseModel(checked, model);
  if (hasErrors(checked.diagnostics)) {
    const errors = checked.diagnostics.filter((d) => d.severity === "error");
    throw new InputError(renderDiagnostics(file, checked.text, errors).trimEnd());
  }
  const graphs: Graph[] = model !== undefined ? [checked.result.graphs.get(model)!] : [...checked.result.graphs.values()];
  if (graphs.length === 0) throw new UsageError(`${file} has no model`);
  return graphs.map((g) => buildModelView(g, { expand: opts.expand, source: checked.text }));
}

export async function renderViz(file: string, opts: VizOptions): Promise<string> {
  if (opts.costs || opts.compare !== undefined) {
    const views = await costViews(file, opts, opts.model);
    if (opts.compare !== undefined) views.push(...(await costViews(opts.compare, { ...opts, params: {} }, undefined)));
    return (await import("../viz/cost-bars.ts")).renderCostSvg(views);
  }
  const { graph, checked } = loadGraph(file, opts);
  const { buildModelView } = await import("../viz/model-view.ts");
  const { renderGraphSvg } = await import("../viz/graph-svg.ts");
  return renderGraphSvg(buildModelView(graph, { expand: opts.expand, source: checked.text }));
}

export async function runViz(file: string, opts: VizOptions): Promise<number> {
  if (opts.output !== undefined) pictureFormat(opts.output, "-o");
  const svg = await renderViz(file, opts);
  if (opts.output === undefined) process.stdout.write(svg);
  else await writePicture(opts.output, svg);
  return 0;
}

export function registerViz(program: Command): void {
  program
    .command("viz")
    .description("draw the model graph, or its params and MACs per layer, as SVG or PNG")
    .argument("<file>", ".net file")
    .option("-o, --output <picture>", "write to this .svg or .png (default: SVG on stdout)")
    .option("--model <name>", "the model to draw (default: the file's only model)")
    .option("--param <name=value>", "set a model parameter (repeatable)", collectParam, {})
    .option("--expand", "draw every layer of block calls and repeats, grouped in clusters", false)
    .option("--costs", "params and MACs per layer (or per block) as bars; every model of the file without --model", false)
    .option("--compare <other>", "cost bars of this file's models beside the first (implies --costs)")
    .action(async (file: string, opts: Omit<VizOptions, "params"> & { param: Record<string, ParamValue> }) => {
      process.exitCode = await runViz(file, { ...opts, params: opts.param });
    });
}
