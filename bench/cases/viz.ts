// `netc viz` speed: check + layout + SVG of each example's graph (collapsed, as drawn by
// default, and expanded), and the PNG rendering; the target is a picture in under 2 s.
import { readdirSync, readFileSync } from "node:fs";
import { check } from "../../src/check/index.ts";
import { parse } from "../../src/syntax/parse.ts";
import { renderGraphSvg } from "../../src/viz/graph-svg.ts";
import { buildModelView } from "../../src/viz/model-view.ts";
import { svgToPng } from "../../src/viz/png.ts";
import { measure, type BenchCase, type Measurement } from "../harness.ts";
import { EXAMPLES_DIR } from "../models.ts";

export const vizCase: BenchCase = {
  name: "viz",
  async run(ctx) {
    const files = readdirSync(EXAMPLES_DIR).filter((f) => f.endsWith(".net")).sort();
    const measurements: Measurement[] = [];
    const options = { warmup: 1, minRuns: 3, minTimeMs: ctx.quick ? 50 : 300 };
    for (const file of files) {
      const source = readFileSync(new URL(file, EXAMPLES_DIR), "utf8");
      const svgOf = (expand: boolean) =>
        [...check(parse(source).program).graphs.values()].map((g) => renderGraphSvg(buildModelView(g, { expand, source })));
      for (const expand of [false, true]) {
        let boxes = 0;
        const timing = await measure(() => {
          boxes = svgOf(expand).reduce((n, svg) => n + (svg.match(/<g class="node"/g)?.length ?? 0), 0);
        }, options);
        ctx.log(`  ${file}${expand ? " --expand" : ""}: ${timing.medianMs.toFixed(1)} ms`);
        measurements.push({ implementation: `${file}${expand ? " --expand" : ""} (svg)`, threads: 1, timing, note: `${boxes} boxes` });
      }
      const svgs = svgOf(false);
      const png = await measure(() => svgs.forEach((svg) => svgToPng(svg)), options);
      ctx.log(`  ${file} png: ${png.medianMs.toFixed(1)} ms`);
      measurements.push({ implementation: `${file} (png, 2×)`, threads: 1, timing: png });
    }
    return [{ name: "viz", description: "check + layout + SVG of each example, and its PNG", measurements }];
  },
};
