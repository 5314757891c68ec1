// A minimal protocol-buffers encoder: just the wire types ONNX needs (varint, 32-bit float,
// length-delimited). A message is kept as a list of byte chunks so large payloads (weights)
// are copied exactly once, when the outermost message is flattened.

const WIRE_VARINT = 0;
const WIRE_LENGTH_DELIMITED = 2;
const WIRE_FIXED32 = 5;

const textEncoder = new TextEncoder();

function varintBytes(value: number | bigint): Uint8Array {
  // Negative int64 values are encoded as their 64-bit two's complement (10 bytes), as protobuf does.
  let v = BigInt.asUintN(64, BigInt(value));
  const out: number[] = [];
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
  return Uint8Array.from(out);
}

export class ProtoMessage {
  private readonly chunks: Uint8Array[] = [];
  private length = 0;

  get byteLength(): number {
    return this.length;
  }

  private push(bytes: Uint8Array): void {
    this.chunks.push(bytes);
    this.length += bytes.byteLength;
  }

  private tag(field: number, wireType: number): void {
    this.push(varintBytes((field << 3) | wireType));
  }

  /** int32, int64 and enum fields. */
  varint(field: number, value: number | bigint): this {
    this.tag(field, WIRE_VARINT);
    this.push(varintBytes(value));
    return this;
  }

  float(field: number, value: number): this {
    this.tag(field, WIRE_FIXED32);
    const bytes = new Uint8Array(4);
    new DataView(bytes.buffer).setFloat32(0, value, true);
    this.push(bytes);
    return this;
  }

  bytes(field: number, value: Uint8Array): this {
    this.tag(field, WIRE_LENGTH_DELIMITED);
    this.push(varintBytes(value.byteLength));
    this.push(value);
    return this;
  }

  string(field: number, value: string): this {
    return this.bytes(field, textEncoder.encode(value));
  }

  message(field: number, value: ProtoMessage): this {
    this.tag(field, WIRE_LENGTH_DELIMITED);
    this.push(varintBytes(value.length));
    for (const chunk of value.chunks) this.push(chunk);
    return this;
  }

  /** A repeated int64 field, unpacked (onnx.proto is proto2 without `packed`). */
  varints(field: number, values: readonly (number | bigint)[]): this {
    for (const v of values) this.varint(field, v);
    return this;
  }

  toBytes(): Uint8Array {
    const out = new Uint8Array(this.length);
    let offset = 0;
    for (const chunk of this.chunks) {
      out.set(chunk, offset);
      offset += chunk.byteLength;
    }
    return out;
  }
}
