// NumPy .npy files (format versions 1.0, 2.0 and 3.0), C order, little-endian:
//   "\x93NUMPY" major minor, header length (uint16 for v1, uint32 for v2/v3), then a Python
//   dict literal {'descr': '<f4', 'fortran_order': False, 'shape': (N, H, W, C), } padded with
//   spaces and a newline so the data starts at a multiple of 64 bytes.
import { readFileSync } from "node:fs";
import { writeFileAtomic } from "./atomic-write.ts";
import { assertLittleEndianHost, bytesOf, typedArrayAt } from "./bytes.ts";
import { FileAccessError } from "./fs-errors.ts";

export type NpyData = Float32Array | Float64Array | BigInt64Array | Int32Array | Int16Array | Int8Array | Uint8Array;

export interface NpyArray {
  /** NumPy's descr: '<f4', '<f8', '<i8', '<i4', '<i2', '|i1', '|u1' or '|b1' (bool, read as 0/1 bytes). */
  readonly dtype: string;
  readonly shape: readonly number[];
  readonly data: NpyData;
}

export class NpyFileError extends Error {
  override readonly name = "NpyFileError";
}

type Ctor = {
  new (buffer: ArrayBufferLike, byteOffset: number, length: number): NpyData;
  readonly BYTES_PER_ELEMENT: number;
};

const DTYPES: Record<string, Ctor> = {
  "<f4": Float32Array,
  "<f8": Float64Array,
  "<i8": BigInt64Array,
  "<i4": Int32Array,
  "<i2": Int16Array,
  "|i1": Int8Array,
  "|u1": Uint8Array,
  "|b1": Uint8Array,
};

const MAGIC = [0x93, ...new TextEncoder().encode("NUMPY")];

export function readNpy(path: string): NpyArray {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new FileAccessError(error, path, "read");
  }
  return parseNpy(bytes, path);
}

export function parseNpy(bytes: Uint8Array, source: string): NpyArray {
  const fail = (message: string): never => {
    throw new NpyFileError(`${source}: ${message}`);
  };
  if (bytes.byteLength < 10 || !MAGIC.every((b, i) => bytes[i] === b))
    fail("not a NumPy .npy file (missing the \\x93NUMPY magic)");
  const major = bytes[6];
  if (major < 1 || major > 3)
    fail(`unsupported .npy format version ${major}.${bytes[7]} (netc reads 1.0, 2.0 and 3.0)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerStart = major === 1 ? 10 : 12;
  if (bytes.byteLength < headerStart) fail("truncated header");
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const dataStart = headerStart + headerLength;
  if (dataStart > bytes.byteLength)
    fail(`truncated: the header claims ${headerLength} bytes but the file has ${bytes.byteLength - headerStart}`);
  const header = new TextDecoder(major === 3 ? "utf-8" : "latin1").decode(bytes.subarray(headerStart, dataStart));

  const descr =
    /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1] ??
    fail(`header has no simple 'descr' (structured arrays are not supported): ${header.trim()}`);
  const fortran =
    /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1] ?? fail(`header has no 'fortran_order': ${header.trim()}`);
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1] ?? fail(`header has no 'shape': ${header.trim()}`);
  if (fortran === "True")
    fail("array is stored in Fortran (column-major) order; save it with np.save(path, np.ascontiguousarray(a))");
  const dtype = descr === "<u1" || descr === "<i1" || descr === "<b1" ? `|${descr.slice(1)}` : descr;
  const ctor = DTYPES[dtype];
  if (ctor === undefined) {
    const hint = descr.startsWith(">")
      ? "big-endian; convert with a.astype(a.dtype.newbyteorder('<'))"
      : "convert with a.astype(np.float32)";
    fail(`dtype '${descr}' is not supported (netc reads ${Object.keys(DTYPES).join(" ")}): ${hint}`);
  }
  const shape = shapeText
    .split(",")
    .map((s) => s.trim().replace(/L$/, ""))
    .filter((s) => s !== "")
    .map((s) => (/^\d+$/.test(s) ? Number(s) : fail(`shape entry '${s}' is not a non-negative integer`)));
  const count = shape.reduce((a, b) => a * b, 1);
  const expectedBytes = count * ctor.BYTES_PER_ELEMENT;
  const actualBytes = bytes.byteLength - dataStart;
  if (actualBytes !== expectedBytes) {
    fail(
      `${actualBytes < expectedBytes ? "truncated" : "corrupt"}: shape (${shape.join(", ")}) of ${dtype} needs ${expectedBytes} data bytes, the file has ${actualBytes}`,
    );
  }
  return { dtype, shape, data: typedArrayAt(ctor, bytes, dataStart, count) };
}

/** The descr NumPy uses for a typed array (booleans are written as '|u1'). */
function descrOf(data: NpyData): string {
  const descr = Object.entries(DTYPES).find(([d, ctor]) => d !== "|b1" && data instanceof ctor)?.[0];
  if (descr === undefined) throw new TypeError(`cannot write ${data.constructor.name} to .npy`);
  return descr;
}

export function serializeNpy(array: { readonly shape: readonly number[]; readonly data: NpyData }): Uint8Array[] {
  assertLittleEndianHost();
  const { shape, data } = array;
  const count = shape.reduce((a, b) => a * b, 1);
  if (count !== data.length)
    throw new RangeError(`shape [${shape.join(", ")}] has ${count} elements but the data has ${data.length}`);
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(", ")})`;
  const dict = `{'descr': '${descrOf(data)}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  const version = dict.length + 1 + 10 > 65535 ? 2 : 1;
  const prefix = version === 1 ? 10 : 12;
  const total = Math.ceil((prefix + dict.length + 1) / 64) * 64;
  const head = new Uint8Array(total).fill(0x20);
  head.set(MAGIC, 0);
  head[6] = version;
  head[7] = 0;
  const view = new DataView(head.buffer);
  if (version === 1) view.setUint16(8, total - prefix, true);
  else view.setUint32(8, total - prefix, true);
  head.set(new TextEncoder().encode(dict), prefix);
  head[total - 1] = 0x0a;
  return [head, bytesOf(data)];
}

/** Write a .npy file atomically. */
export function writeNpy(path: string, array: { readonly shape: readonly number[]; readonly data: NpyData }): void {
  writeFileAtomic(path, serializeNpy(array));
}

/** The values as float32 (a view when already '<f4'). */
export function npyToFloat32(array: NpyArray): Float32Array {
  if (array.data instanceof Float32Array) return array.data;
  const out = new Float32Array(array.data.length);
  for (let i = 0; i < out.length; i++) out[i] = Number(array.data[i]);
  return out;
}

/**
 * The values as int32, for class labels: integer dtypes must fit, float dtypes must hold whole
 * numbers. Returns undefined (not an error) when a float array has fractions: it holds no labels.
 */
export function npyToInt32(array: NpyArray): Int32Array | undefined {
  const out = new Int32Array(array.data.length);
  for (let i = 0; i < out.length; i++) {
    const v = Number(array.data[i]);
    if (!Number.isInteger(v) || v < -(2 ** 31) || v >= 2 ** 31) return undefined;
    out[i] = v;
  }
  return out;
}
