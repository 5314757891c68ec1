// Reading back the pictures the renderers write: boxes, edges, series points, text.

export interface Rect {
  readonly key: string;
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

const attr = (tag: string, name: string): string | undefined => new RegExp(`\\s${name}="([^"]*)"`).exec(tag)?.[1];

/** The first rect of every `<g class="node">` (its box). */
export function nodeBoxes(svg: string): Rect[] {
  return [...svg.matchAll(/<g class="node" data-key="([^"]+)"[^>]*><rect([^>]*)\/>/g)].map((m) => ({
    key: m[1]!,
    x: Number(attr(m[2]!, "x")),
    y: Number(attr(m[2]!, "y")),
    width: Number(attr(m[2]!, "width")),
    height: Number(attr(m[2]!, "height")),
  }));
}

export function edges(svg: string): { from: string; to: string }[] {
  return [...svg.matchAll(/<path class="edge" data-from="([^"]+)" data-to="([^"]+)"/g)].map((m) => ({ from: m[1]!, to: m[2]! }));
}

export function count(svg: string, pattern: RegExp): number {
  return [...svg.matchAll(pattern)].length;
}

/** Every text element's content, entities decoded. */
export function texts(svg: string): string[] {
  return [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]!.replace(/&#(\d+);/g, (_, c) => String.fromCharCode(Number(c))));
}

/** The circles of the series `kind` in a curves picture. */
export function seriesPoints(svg: string, kind: string): number {
  const m = new RegExp(`<g class="series" data-kind="${kind}">(.*?)</g>`).exec(svg);
  return m ? count(m[1]!, /<circle class="point"/g) : 0;
}

export function overlaps(a: Omit<Rect, "key">, b: Omit<Rect, "key">): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

/** Width and height from a PNG's IHDR chunk. */
export function pngSize(png: Uint8Array): { width: number; height: number } {
  const signature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (!signature.every((b, i) => png[i] === b)) throw new Error("not a PNG");
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  if (String.fromCharCode(...png.subarray(12, 16)) !== "IHDR") throw new Error("no IHDR");
  return { width: view.getUint32(16), height: view.getUint32(20) };
}
