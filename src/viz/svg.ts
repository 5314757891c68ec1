// A tiny SVG string builder: elements from tag, attributes and children, with every text and
// attribute value escaped. No DOM and no node: imports, so a browser can reuse the renderers.

export type Attrs = Readonly<Record<string, string | number | undefined>>;

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Coordinates with at most one decimal: smaller files, stable output. */
export function num(n: number): string {
  return String(Math.round(n * 10) / 10);
}

function attrText(attrs: Attrs): string {
  let s = "";
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined) continue;
    s += ` ${k}="${escapeXml(typeof v === "number" ? num(v) : v)}"`;
  }
  return s;
}

/** `<tag attrs>children</tag>`; children are already-built markup. */
export function el(tag: string, attrs: Attrs, children: string | readonly string[] = ""): string {
  const inner = typeof children === "string" ? children : children.join("");
  return inner === "" ? `<${tag}${attrText(attrs)}/>` : `<${tag}${attrText(attrs)}>${inner}</${tag}>`;
}

/** A text element; `content` is escaped. */
export function text(x: number, y: number, content: string, attrs: Attrs = {}): string {
  return el("text", { x, y, ...attrs }, escapeXml(content));
}

/** An SVG line through the points: "M x y L x y ...". */
export function pathThrough(points: readonly { x: number; y: number }[]): string {
  return points.map((p, i) => `${i === 0 ? "M" : "L"}${num(p.x)} ${num(p.y)}`).join(" ");
}

/** The whole document; a white background so PNGs and dark editor themes stay readable. */
export function svgDocument(width: number, height: number, body: readonly string[], title: string): string {
  const w = Math.ceil(width);
  const h = Math.ceil(height);
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" ` +
    `font-family="${FONT}" font-size="11">` +
    el("title", {}, escapeXml(title)) +
    el("rect", { width: w, height: h, fill: "#ffffff" }) +
    body.join("") +
    "</svg>\n"
  );
}

/** Monospace text, so the box widths computed from character counts hold in every renderer. */
export const FONT = "DejaVu Sans Mono, Menlo, Consolas, monospace";
/** Advance width of one character of FONT, in ems. */
export const CHAR_EM = 0.602;

export function textWidth(content: string, fontSize: number): number {
  return [...content].length * CHAR_EM * fontSize;
}
