// SVG → PNG through resvg (a complete SVG renderer; its binary ships in its npm package).
import { Resvg } from "@resvg/resvg-js";

/** Longest side of a PNG, in pixels; very tall graphs are drawn at a smaller zoom. */
const MAX_SIDE = 16_000;

/** Rasterises at `scale` × the SVG's own size (2 for sharp text), less where that exceeds MAX_SIDE. */
export function svgToPng(svg: string, scale = 2): Uint8Array {
  const size = /<svg[^>]*\swidth="([\d.]+)"[^>]*\sheight="([\d.]+)"/.exec(svg);
  const longest = size ? Math.max(Number(size[1]), Number(size[2])) : 0;
  const zoom = longest > 0 ? Math.min(scale, MAX_SIDE / longest) : scale;
  const resvg = new Resvg(svg, {
    fitTo: { mode: "zoom", value: zoom },
    font: { loadSystemFonts: true, defaultFontFamily: "DejaVu Sans Mono", monospaceFamily: "DejaVu Sans Mono" },
    background: "#ffffff",
  });
  return resvg.render().asPng();
}
