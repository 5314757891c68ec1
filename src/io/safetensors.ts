// safetensors files (https://github.com/huggingface/safetensors), fp32 only:
//   8 bytes   little-endian uint64 N, the header length
//   N bytes   UTF-8 JSON: { "<name>": { "dtype": "F32", "shape": [...], "data_offsets": [begin, end] },
//             ..., "__metadata__": { "<key>": "<string>" } }  (offsets relative to the data)
//   data      the tensors' bytes, little-endian
// We pad the header with spaces to a multiple of 8 so the data is aligned, write atomically, and
// validate everything on reading, naming the file and the tensor in every error.
import { readFileSync } from "node:fs";
import { writeFileAtomic } from "./atomic-write.ts";
import { assertLittleEndianHost, bytesOf, typedArrayAt } from "./bytes.ts";
import { FileAccessError } from "./fs-errors.ts";

export interface TensorData {
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

export interface SafetensorsContents {
  readonly tensors: ReadonlyMap<string, TensorData>;
  readonly metadata: Readonly<Record<string, string>>;
}

export interface ReadOptions {
  /** Refuse tensors holding NaN or ±Infinity. */
  readonly checkFinite?: boolean;
}

/** A weights or checkpoint file that cannot be used; the message says what, where and how to fix. */
export class WeightsFileError extends Error {
  override readonly name = "WeightsFileError";
}

/** Largest header accepted (the reference implementation's limit). */
export const MAX_HEADER_BYTES = 100_000_000;

export function readSafetensors(path: string, options: ReadOptions = {}): SafetensorsContents {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new FileAccessError(error, path, "read");
  }
  return parseSafetensors(bytes, path, options);
}

export function parseSafetensors(bytes: Uint8Array, source: string, options: ReadOptions = {}): SafetensorsContents {
  const fail = (message: string): never => {
    throw new WeightsFileError(`${source}: ${message}`);
  };
  if (bytes.byteLength < 8)
    fail(`truncated: ${bytes.byteLength} bytes, but a safetensors file starts with an 8-byte header length`);
  const headerLength = Number(new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true));
  if (headerLength > MAX_HEADER_BYTES)
    fail(`header length ${headerLength} exceeds the ${MAX_HEADER_BYTES}-byte limit; not a safetensors file?`);
  if (8 + headerLength > bytes.byteLength) {
    fail(`truncated: the header claims ${headerLength} bytes but only ${bytes.byteLength - 8} follow the length`);
  }
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(8, 8 + headerLength)));
  } catch (error) {
    fail(`header is not valid JSON: ${(error as Error).message}`);
  }
  if (!isRecord(header)) return fail("header must be a JSON object");

  const dataStart = 8 + headerLength;
  const dataLength = bytes.byteLength - dataStart;
  const metadata = parseMetadata(header.__metadata__, fail);
  const entries: { name: string; shape: number[]; begin: number; end: number }[] = [];
  for (const [name, entry] of Object.entries(header)) {
    if (name === "__metadata__") continue;
    const where = `tensor '${name}'`;
    if (!isRecord(entry)) return fail(`${where}: header entry must be an object`);
    if (entry.dtype !== "F32") {
      fail(
        `${where} has dtype ${JSON.stringify(entry.dtype)}; netc reads F32 weights only (convert with tensor.float() / astype(float32) before saving)`,
      );
    }
    const shape = entry.shape;
    if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
      return fail(`${where}: shape must be a list of non-negative integers, got ${JSON.stringify(shape)}`);
    }
    const offsets = entry.data_offsets;
    if (
      !Array.isArray(offsets) ||
      offsets.length !== 2 ||
      !offsets.every((o) => Number.isInteger(o) && o >= 0) ||
      offsets[0] > offsets[1]
    ) {
      return fail(`${where}: data_offsets must be [begin, end] with 0 <= begin <= end, got ${JSON.stringify(offsets)}`);
    }
    const [begin, end] = offsets as [number, number];
    const expectedBytes = 4 * shape.reduce((a: number, b: number) => a * b, 1);
    if (end - begin !== expectedBytes) {
      fail(
        `${where}: shape ${formatShape(shape)} needs ${expectedBytes} bytes but data_offsets [${begin}, ${end}] span ${end - begin}`,
      );
    }
    if (end > dataLength) {
      fail(
        `${where}: data_offsets [${begin}, ${end}] run past the end of the data (${dataLength} bytes); the file is truncated or corrupt`,
      );
    }
    entries.push({ name, shape, begin, end });
  }
  entries.sort((a, b) => a.begin - b.begin);
  for (let i = 1; i < entries.length; i++) {
    const previous = entries[i - 1];
    if (entries[i].begin < previous.end) {
      fail(
        `tensors '${previous.name}' [${previous.begin}, ${previous.end}] and '${entries[i].name}' [${entries[i].begin}, ${entries[i].end}] overlap`,
      );
    }
  }

  const tensors = new Map<string, TensorData>();
  for (const { name, shape, begin, end } of entries) {
    const data = typedArrayAt(Float32Array, bytes, dataStart + begin, (end - begin) / 4);
    if (options.checkFinite) {
      const bad = data.findIndex((v) => !Number.isFinite(v));
      if (bad >= 0)
        fail(`tensor '${name}' holds ${data[bad]} at element ${bad}; the weights diverged or the file is corrupt`);
    }
    tensors.set(name, { shape, data });
  }
  return { tensors, metadata };
}

function parseMetadata(value: unknown, fail: (message: string) => never): Record<string, string> {
  if (value === undefined) return {};
  if (!isRecord(value)) return fail("__metadata__ must be an object of strings");
  for (const [key, v] of Object.entries(value)) {
    if (typeof v !== "string") fail(`__metadata__ value '${key}' must be a string, got ${JSON.stringify(v)}`);
  }
  return value as Record<string, string>;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(", ")}]`;
}

/** The file as chunks (header, then each tensor's bytes as a view), tensors in key order. */
export function serializeSafetensors(
  tensors: ReadonlyMap<string, TensorData>,
  metadata: Readonly<Record<string, string>> = {},
): Uint8Array[] {
  assertLittleEndianHost();
  const names = [...tensors.keys()].sort();
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  let offset = 0;
  for (const name of names) {
    const { shape, data } = tensors.get(name)!;
    const count = shape.reduce((a, b) => a * b, 1);
    if (count !== data.length)
      throw new RangeError(
        `tensor '${name}': shape ${formatShape(shape)} has ${count} elements but the data has ${data.length}`,
      );
    header[name] = { dtype: "F32", shape, data_offsets: [offset, offset + data.byteLength] };
    offset += data.byteLength;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(json.byteLength / 8) * 8;
  const head = new Uint8Array(8 + padded).fill(0x20);
  new DataView(head.buffer).setBigUint64(0, BigInt(padded), true);
  head.set(json, 8);
  return [head, ...names.map((name) => bytesOf(tensors.get(name)!.data))];
}

/** Write a safetensors file atomically (temporary file, fsync, rename). */
export function writeSafetensors(
  path: string,
  tensors: ReadonlyMap<string, TensorData>,
  metadata: Readonly<Record<string, string>> = {},
): void {
  writeFileAtomic(path, serializeSafetensors(tensors, metadata));
}
