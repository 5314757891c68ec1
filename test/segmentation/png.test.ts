import { crc32 as zlibCrc32, inflateSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { crc32, encodePng, greyPicture, overlay, type Picture } from "../../src/io/png.ts";

/** Splits a PNG into its chunks, checking each CRC. */
function readChunks(png: Uint8Array): { type: string; body: Uint8Array }[] {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const chunks: { type: string; body: Uint8Array }[] = [];
  for (let at = 8; at < png.length; ) {
    const length = view.getUint32(at);
    const type = String.fromCharCode(...png.subarray(at + 4, at + 8));
    const body = png.subarray(at + 8, at + 8 + length);
    expect(view.getUint32(at + 8 + length), `CRC of ${type}`).toBe(zlibCrc32(png.subarray(at + 4, at + 8 + length)));
    chunks.push({ type, body });
    at += 12 + length;
  }
  return chunks;
}

function decode(png: Uint8Array): Picture {
  expect(Array.from(png.subarray(0, 8))).toEqual([137, 80, 78, 71, 13, 10, 26, 10]);
  const chunks = readChunks(png);
  expect(chunks.map((c) => c.type)).toEqual(["IHDR", "IDAT", "IEND"]);
  const header = new DataView(chunks[0].body.buffer, chunks[0].body.byteOffset, 13);
  const width = header.getUint32(0);
  const height = header.getUint32(4);
  expect(header.getUint8(8)).toBe(8);
  const channels = header.getUint8(9) === 0 ? 1 : 3;
  const raw = inflateSync(chunks[1].body);
  const stride = width * channels;
  const data = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    expect(raw[y * (stride + 1)]).toBe(0); // filter None
    data.set(raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1)), y * stride);
  }
  return { width, height, channels, data };
}

describe("PNG writer", () => {
  it("computes the standard CRC-32", () => {
    expect(crc32(new TextEncoder().encode("IEND"))).toBe(0xae426082);
    expect(crc32(new TextEncoder().encode("123456789"))).toBe(0xcbf43926);
  });

  it("round-trips grey and RGB pictures through zlib", () => {
    const grey = greyPicture(Float32Array.of(0, 0.5, 1, 2, -1, 0.25), 2, 3);
    expect(Array.from(grey.data)).toEqual([0, 128, 255, 255, 0, 64]);
    expect(decode(encodePng(grey))).toEqual(grey);
    const rgb: Picture = { width: 2, height: 1, channels: 3, data: Uint8Array.of(1, 2, 3, 250, 251, 252) };
    expect(decode(encodePng(rgb))).toEqual(rgb);
  });

  it("tints mask pixels red over the grey image", () => {
    const picture = overlay(Float32Array.of(0.2, 0.2), Float32Array.of(0, 1), 1, 2);
    // 0.2 → 51; masked: (51/2 + 127.5, 51/2, 51/2) rounded.
    expect(Array.from(picture.data)).toEqual([51, 51, 51, 153, 26, 26]);
  });

  it("rejects data of the wrong size", () => {
    expect(() => encodePng({ width: 3, height: 2, channels: 3, data: new Uint8Array(17) })).toThrow(/got 17 bytes, expected 3·2·3 = 18/);
  });
});
