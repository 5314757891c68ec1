// Typed arrays to and from file bytes. Both file formats we read (safetensors, .npy) store
// little-endian values, and typed arrays use the host's byte order, so a big-endian host is
// refused rather than silently reading garbage.

/** The host's byte order, asked of a typed array (works in browsers too, unlike node:os). */
const littleEndianHost = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export function assertLittleEndianHost(): void {
  if (!littleEndianHost)
    throw new Error("netc reads and writes little-endian tensors and needs a little-endian machine");
}

/** Bytes of a typed array as a view (no copy). */
export function bytesOf(data: ArrayBufferView): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

type TypedArrayConstructor<T> = {
  new (buffer: ArrayBufferLike, byteOffset: number, length: number): T;
  readonly BYTES_PER_ELEMENT: number;
};

/**
 * `count` elements starting at byte `offset` of `bytes`: a view when the position is aligned
 * for the element type, else a copy (a typed array cannot start at an unaligned address).
 */
export function typedArrayAt<T>(ctor: TypedArrayConstructor<T>, bytes: Uint8Array, offset: number, count: number): T {
  assertLittleEndianHost();
  const start = bytes.byteOffset + offset;
  if (start % ctor.BYTES_PER_ELEMENT === 0) return new ctor(bytes.buffer, start, count);
  const copy = bytes.slice(offset, offset + count * ctor.BYTES_PER_ELEMENT);
  return new ctor(copy.buffer, 0, count);
}

/** One array holding the chunks in order (e.g. what serializeSafetensors returns). */
export function concatBytes(chunks: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.byteLength;
  }
  return out;
}
