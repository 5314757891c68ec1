// Places buffers with known lifetimes in one address range so that buffers whose lifetimes
// never overlap share memory: a first-fit interval allocator over a step timeline.

export interface Lifetime {
  /** Floats. */
  readonly size: number;
  /** First and last step (inclusive) at which the buffer holds a value. */
  readonly start: number;
  readonly end: number;
}

export interface Placement {
  /** Float offset of each lifetime, in input order. */
  readonly offsets: number[];
  /** Floats spanned by all buffers. */
  readonly total: number;
}

/** Offsets are multiples of 4 floats (16 bytes) so SIMD kernels see aligned tensors. */
export function align4(n: number): number {
  return (n + 3) & ~3;
}

export function planOffsets(lifetimes: readonly Lifetime[]): Placement {
  const offsets = new Array<number>(lifetimes.length).fill(0);
  const order = lifetimes
    .map((_, i) => i)
    .sort((a, b) => lifetimes[a].start - lifetimes[b].start || lifetimes[b].size - lifetimes[a].size);
  let live: { offset: number; size: number; end: number }[] = [];
  let total = 0;
  for (const i of order) {
    const { size, start, end } = lifetimes[i];
    if (size === 0) continue;
    live = live.filter((b) => b.end >= start).sort((a, b) => a.offset - b.offset);
    const need = align4(size);
    let offset = 0;
    for (const b of live) {
      if (b.offset - offset >= need) break;
      offset = Math.max(offset, b.offset + b.size);
    }
    live.push({ offset, size: need, end });
    offsets[i] = offset;
    total = Math.max(total, offset + need);
  }
  return { offsets, total };
}
