// A small WebAssembly binary emitter: just enough of the format (types, a memory import,
// functions with locals, exports, structured control, i32/f32/v128 ops) for our kernels.
// Kernels are generated as bytes at start-up so no assembler ships with the runtime.
// Opcode numbers follow the WebAssembly 2.0 spec and the relaxed-SIMD proposal.

export type ValType = "i32" | "f32" | "v128";

const VALTYPE_CODE: Record<ValType, number> = { i32: 0x7f, f32: 0x7d, v128: 0x7b };

/** Unsigned LEB128. */
export function uleb(value: number): number[] {
  const out: number[] = [];
  let v = value >>> 0;
  do {
    let byte = v & 0x7f;
    v >>>= 7;
    if (v !== 0) byte |= 0x80;
    out.push(byte);
  } while (v !== 0);
  return out;
}

/** Signed LEB128 of a 32-bit integer. */
export function sleb(value: number): number[] {
  const out: number[] = [];
  let v = value | 0;
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    const done = (v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
}

function utf8Name(name: string): number[] {
  const bytes = [...new TextEncoder().encode(name)];
  return [...uleb(bytes.length), ...bytes];
}

function vector(items: number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

function section(id: number, content: number[]): number[] {
  return [id, ...uleb(content.length), ...content];
}

/** Alignment hints (log2 of bytes) used in memory immediates. */
const ALIGN = { i32: 2, f32: 2, v128: 4 } as const;

/**
 * The body of one function: named locals plus an instruction stream. Method names mirror the
 * WAT mnemonics (`f32x4Add` is `f32x4.add`), so generated code reads like the text format.
 */
export class Code {
  private readonly bytes: number[] = [];
  private readonly localTypes: ValType[] = [];
  private readonly names = new Map<string, number>();

  constructor(readonly params: readonly (readonly [string, ValType])[]) {
    params.forEach(([name], i) => this.names.set(name, i));
  }

  /** Declares a local and returns its index. */
  local(name: string, type: ValType): number {
    if (this.names.has(name)) throw new Error(`wasm emitter: local '${name}' declared twice`);
    const index = this.params.length + this.localTypes.length;
    this.localTypes.push(type);
    this.names.set(name, index);
    return index;
  }

  private index(local: string | number): number {
    if (typeof local === "number") return local;
    const i = this.names.get(local);
    if (i === undefined) throw new Error(`wasm emitter: unknown local '${local}'`);
    return i;
  }

  private op(...b: number[]): this {
    this.bytes.push(...b);
    return this;
  }

  private simd(opcode: number, ...immediates: number[]): this {
    return this.op(0xfd, ...uleb(opcode), ...immediates);
  }

  // --- variables and constants
  get(local: string | number): this { return this.op(0x20, ...uleb(this.index(local))); }
  set(local: string | number): this { return this.op(0x21, ...uleb(this.index(local))); }
  tee(local: string | number): this { return this.op(0x22, ...uleb(this.index(local))); }
  i32Const(v: number): this { return this.op(0x41, ...sleb(v)); }
  f32Const(v: number): this {
    const b = new Uint8Array(new Float32Array([v]).buffer);
    return this.op(0x43, ...b);
  }

  // --- structured control. `body` emits the inner instructions, so blocks always balance;
  // branch labels count outward from the innermost block.
  block(body: () => void): this { return this.structured(0x02, body); }
  loop(body: () => void): this { return this.structured(0x03, body); }
  if(then: () => void, otherwise?: () => void): this {
    this.op(0x04, 0x40);
    then();
    if (otherwise) {
      this.op(0x05);
      otherwise();
    }
    return this.op(0x0b);
  }
  private structured(opcode: number, body: () => void): this {
    this.op(opcode, 0x40);
    body();
    return this.op(0x0b);
  }
  /** `for (counter = 0; counter < end; counter++) body()`, with i32 locals (signed compare). */
  forRange(counter: string, end: string, body: () => void): this {
    this.i32Const(0).set(counter);
    return this.forStep(counter, end, 1, body);
  }
  /** `for (; counter < end; counter += step) body()` from the counter's current value (i32
   * locals, signed compare): a vector loop, then its scalar tail from where it stopped. */
  forStep(counter: string, end: string, step: number, body: () => void): this {
    return this.block(() =>
      this.loop(() => {
        this.get(counter).get(end).i32GeS().brIf(1);
        body();
        this.get(counter).i32Const(step).i32Add().set(counter);
        this.br(0);
      }),
    );
  }
  br(label: number): this { return this.op(0x0c, ...uleb(label)); }
  brIf(label: number): this { return this.op(0x0d, ...uleb(label)); }
  return(): this { return this.op(0x0f); }
  call(funcIndex: number): this { return this.op(0x10, ...uleb(funcIndex)); }
  drop(): this { return this.op(0x1a); }
  select(): this { return this.op(0x1b); }

  // --- memory. `offset` is the constant byte offset immediate added to the address.
  i32Load(offset = 0): this { return this.op(0x28, ALIGN.i32, ...uleb(offset)); }
  f32Load(offset = 0): this { return this.op(0x2a, ALIGN.f32, ...uleb(offset)); }
  i32Store(offset = 0): this { return this.op(0x36, ALIGN.i32, ...uleb(offset)); }
  f32Store(offset = 0): this { return this.op(0x38, ALIGN.f32, ...uleb(offset)); }
  /** memory.copy [dst, src, n] (bulk memory). */
  memoryCopy(): this { return this.op(0xfc, ...uleb(10), 0x00, 0x00); }
  /** memory.fill [dst, byte value, n] (bulk memory). */
  memoryFill(): this { return this.op(0xfc, ...uleb(11), 0x00); }

  // --- i32
  i32Eqz(): this { return this.op(0x45); }
  i32Eq(): this { return this.op(0x46); }
  i32Ne(): this { return this.op(0x47); }
  i32LtS(): this { return this.op(0x48); }
  i32LtU(): this { return this.op(0x49); }
  i32GtS(): this { return this.op(0x4a); }
  i32LeS(): this { return this.op(0x4c); }
  i32GeS(): this { return this.op(0x4e); }
  i32Add(): this { return this.op(0x6a); }
  i32Sub(): this { return this.op(0x6b); }
  i32Mul(): this { return this.op(0x6c); }
  i32DivS(): this { return this.op(0x6d); }
  i32And(): this { return this.op(0x71); }
  i32Or(): this { return this.op(0x72); }
  i32Shl(): this { return this.op(0x74); }
  i32ShrU(): this { return this.op(0x76); }

  // --- f32
  f32Add(): this { return this.op(0x92); }
  f32Sub(): this { return this.op(0x93); }
  f32Mul(): this { return this.op(0x94); }
  f32Min(): this { return this.op(0x96); }
  f32Max(): this { return this.op(0x97); }
  f32Div(): this { return this.op(0x95); }
  f32Sqrt(): this { return this.op(0x91); }
  f32Eq(): this { return this.op(0x5b); }
  f32Gt(): this { return this.op(0x5e); }
  f32Lt(): this { return this.op(0x5d); }
  f32ConvertI32S(): this { return this.op(0xb2); }
  f32ReinterpretI32(): this { return this.op(0xbe); }

  // --- v128 / f32x4
  v128Load(offset = 0): this { return this.simd(0x00, ALIGN.v128, ...uleb(offset)); }
  v128Load32Splat(offset = 0): this { return this.simd(0x09, ALIGN.f32, ...uleb(offset)); }
  v128Store(offset = 0): this { return this.simd(0x0b, ALIGN.v128, ...uleb(offset)); }
  f32x4Splat(): this { return this.simd(0x13); }
  f32x4ExtractLane(lane: number): this { return this.simd(0x1f, lane); }
  f32x4ReplaceLane(lane: number): this { return this.simd(0x20, lane); }
  f32x4Add(): this { return this.simd(0xe4); }
  f32x4Sub(): this { return this.simd(0xe5); }
  f32x4Mul(): this { return this.simd(0xe6); }
  /** Pseudo-min/max (`b < a ? b : a`): one `minps`/`maxps`, unlike the NaN-exact min/max. */
  f32x4Pmin(): this { return this.simd(0xea); }
  f32x4Pmax(): this { return this.simd(0xeb); }
  /** a*b + c, fused or not at the engine's choice (x86 with FMA: `vfmadd`). Relaxed SIMD. */
  f32x4RelaxedMadd(): this { return this.simd(0x105); }
  f32x4Div(): this { return this.simd(0xe7); }
  f32x4Abs(): this { return this.simd(0xe0); }
  f32x4Neg(): this { return this.simd(0xe1); }
  f32x4Nearest(): this { return this.simd(0x6a); }
  /** Lane masks (all ones where true). */
  f32x4Eq(): this { return this.simd(0x41); }
  f32x4Ne(): this { return this.simd(0x42); }
  f32x4Lt(): this { return this.simd(0x43); }
  f32x4Gt(): this { return this.simd(0x44); }
  v128And(): this { return this.simd(0x4e); }
  /** a & ~b */
  v128Andnot(): this { return this.simd(0x4f); }
  v128Or(): this { return this.simd(0x50); }
  v128Xor(): this { return this.simd(0x51); }
  /** [a, b, mask]: bits of a where mask is 1, of b elsewhere. */
  v128Bitselect(): this { return this.simd(0x52); }
  i32x4Splat(): this { return this.simd(0x11); }
  i32x4Add(): this { return this.simd(0xae); }
  i32x4Shl(): this { return this.simd(0xab); }
  i32x4TruncSatF32x4S(): this { return this.simd(0xf8); }

  /** The encoded function body (locals + code + end). */
  encode(): number[] {
    // Consecutive locals of the same type are grouped, as the format requires runs.
    const runs: number[][] = [];
    for (const t of this.localTypes) {
      const last = runs[runs.length - 1];
      if (last && last[1] === VALTYPE_CODE[t]) last[0]!++;
      else runs.push([1, VALTYPE_CODE[t]]);
    }
    const body = [...uleb(runs.length), ...runs.flatMap(([n, t]) => [...uleb(n!), t!]), ...this.bytes, 0x0b];
    return [...uleb(body.length), ...body];
  }
}

interface FunctionEntry {
  readonly name: string;
  readonly typeIndex: number;
  readonly code: Code;
}

/** A module importing one memory as `env.memory` and exporting its functions by name. */
export class ModuleBuilder {
  private readonly types: number[][] = [];
  private readonly functions: FunctionEntry[] = [];

  constructor(private readonly memory: { readonly shared: boolean }) {}

  /**
   * Declares a function and returns its index (for `call`) and its body to fill in.
   * Exported under `name` when `exported` is set.
   */
  func(
    name: string,
    params: readonly (readonly [string, ValType])[],
    results: readonly ValType[] = [],
    exported = true,
  ): { index: number; code: Code } {
    const type = [0x60, ...vector(params.map(([, t]) => [VALTYPE_CODE[t]])), ...vector(results.map((t) => [VALTYPE_CODE[t]]))];
    let typeIndex = this.types.findIndex((t) => t.length === type.length && t.every((b, i) => b === type[i]));
    if (typeIndex < 0) typeIndex = this.types.push(type) - 1;
    const code = new Code(params);
    this.functions.push({ name: exported ? name : "", typeIndex, code });
    return { index: this.functions.length - 1, code };
  }

  encode(): Uint8Array {
    // Memory limits: min 0 pages; a shared memory must declare a maximum (here the 4 GiB limit).
    const limits = this.memory.shared ? [0x03, ...uleb(0), ...uleb(65536)] : [0x00, ...uleb(0)];
    const importEntry = [...utf8Name("env"), ...utf8Name("memory"), 0x02, ...limits];
    const exports = this.functions
      .map((f, i) => (f.name ? [...utf8Name(f.name), 0x00, ...uleb(i)] : null))
      .filter((e): e is number[] => e !== null);
    return new Uint8Array([
      0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
      ...section(1, vector(this.types)),
      ...section(2, vector([importEntry])),
      ...section(3, vector(this.functions.map((f) => uleb(f.typeIndex)))),
      ...section(7, vector(exports)),
      ...section(10, vector(this.functions.map((f) => f.code.encode()))),
    ]);
  }
}
