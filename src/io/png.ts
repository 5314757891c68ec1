// A minimal PNG writer (8-bit grey or RGB, no dependency beyond node:zlib) so predicted masks
// can be looked at, and an overlay that tints a mask onto its grey input.
import { deflateSync } from "node:zlib";

export interface Picture {
  readonly width: number;
  readonly height: number;
  /** 1 = grey, 3 = RGB. */
  readonly channels: 1 | 3;
  /** Row-major, channels interleaved, height·width·channels bytes. */
  readonly data: Uint8Array;
}

const SIGNATURE = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);

export function encodePng({ width, height, channels, data }: Picture): Uint8Array {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new Error(`PNG: width and height must be positive integers, got ${width}×${height}`);
  }
  if (data.length !== width * height * channels) {
    throw new Error(
      `PNG: got ${data.length} bytes, expected ${width}·${height}·${channels} = ${width * height * channels}`,
    );
  }
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  header[8] = 8; // bit depth
  header[9] = channels === 1 ? 0 : 2; // colour type: grey or truecolour
  // bytes 10–12: deflate compression, adaptive filtering, no interlace — all 0
  // Every scanline starts with its filter type; 0 (None) keeps the writer simple.
  const stride = width * channels;
  const raw = new Uint8Array(height * (stride + 1));
  for (let y = 0; y < height; y++) raw.set(data.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1);
  const chunks = [chunk("IHDR", header), chunk("IDAT", deflateSync(raw)), chunk("IEND", new Uint8Array(0))];
  return concat([SIGNATURE, ...chunks]);
}

/** Float values in [0, 1] (clamped) to bytes. */
export function toBytes(values: Float32Array): Uint8Array {
  return Uint8Array.from(values, (v) => Math.round(Math.min(1, Math.max(0, v)) * 255));
}

/** A grey picture of a [H, W] (or [H, W, 1]) float image in [0, 1]. */
export function greyPicture(values: Float32Array, height: number, width: number): Picture {
  return { width, height, channels: 1, data: toBytes(values) };
}

/** RGB: the grey image with mask pixels (value ≥ 0.5) tinted red, half opaque. */
export function overlay(image: Float32Array, mask: Float32Array, height: number, width: number): Picture {
  if (image.length !== height * width || mask.length !== height * width) {
    throw new Error(
      `overlay: image (${image.length}) and mask (${mask.length}) must both have ${height}·${width} values`,
    );
  }
  const grey = toBytes(image);
  const data = new Uint8Array(height * width * 3);
  for (let i = 0; i < grey.length; i++) {
    const g = grey[i];
    const on = mask[i] >= 0.5;
    data[3 * i] = on ? Math.round(g / 2 + 127.5) : g;
    data[3 * i + 1] = on ? Math.round(g / 2) : g;
    data[3 * i + 2] = on ? Math.round(g / 2) : g;
  }
  return { width, height, channels: 3, data };
}

function chunk(type: string, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + body.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, body.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(body, 8);
  view.setUint32(8 + body.length, crc32(out.subarray(4, 8 + body.length)));
  return out;
}

const CRC_TABLE = Uint32Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

/** The CRC-32 of PNG chunks (ISO 3309, as zlib's crc32). */
export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}
