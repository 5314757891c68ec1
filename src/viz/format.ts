// Numbers and op attributes as short text for pictures: 2.36M params, 1.82G MACs, "conv 64, 7×7 /2".
import type { OpAttrs } from "../runtime/ops.ts";

const UNITS = ["", "K", "M", "G", "T", "P"];

/** Three significant digits with a K/M/G/T suffix: 61706 → "61.7K", 1_820_000_000 → "1.82G". */
export function humanCount(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const sign = n < 0 ? "-" : "";
  let v = Math.abs(n);
  if (v < 1000) return sign + String(Number(v.toPrecision(3)));
  let u = 0;
  while (v >= 999.5 && u < UNITS.length - 1) {
    v /= 1000;
    u++;
  }
  return `${sign}${Number(v.toPrecision(3))}${UNITS[u]}`;
}

export function shapeText(shape: readonly number[]): string {
  return `[${shape.join(", ")}]`;
}

/** A percentage for shares: "42%", "0.4%", "<0.1%". */
export function percent(part: number, whole: number): string {
  if (whole <= 0) return "0%";
  const p = (100 * part) / whole;
  if (p === 0) return "0%";
  if (p < 0.1) return "<0.1%";
  return p < 10 ? `${Number(p.toFixed(1))}%` : `${Math.round(p)}%`;
}

function kernelText(k: readonly [number, number]): string {
  return `${k[0]}×${k[1]}`;
}

function strideText(s: readonly [number, number]): string {
  if (s[0] === 1 && s[1] === 1) return "";
  return s[0] === s[1] ? ` /${s[0]}` : ` /${s[0]}×${s[1]}`;
}

/** The op with its defining attributes, as a reader would write it: "conv 64, 3×3 /2". */
export function opText(attrs: OpAttrs): string {
  switch (attrs.op) {
    case "conv":
      return `conv ${attrs.filters}, ${kernelText(attrs.kernel)}${strideText(attrs.stride)}${attrs.groups > 1 ? ` g${attrs.groups}` : ""}`;
    case "conv_transpose":
    case "separable":
      return `${attrs.op} ${attrs.filters}, ${kernelText(attrs.kernel)}${strideText(attrs.stride)}`;
    case "depthwise":
      return `depthwise ${kernelText(attrs.kernel)}${strideText(attrs.stride)}${attrs.multiplier > 1 ? ` ×${attrs.multiplier}` : ""}`;
    case "pointwise":
      return `pointwise ${attrs.filters}`;
    case "maxpool":
    case "avgpool":
      return `${attrs.op} ${kernelText(attrs.kernel)}${strideText(attrs.stride)}`;
    case "dense":
      return `dense ${attrs.units}`;
    case "dropout":
      return `dropout ${attrs.rate}`;
    case "upsample":
      return `upsample ×${attrs.factor} ${attrs.mode}`;
    case "concat":
      return "concat";
    case "input":
      return "input";
    default:
      return attrs.op;
  }
}
