import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { npyToFloat32, npyToInt32, parseNpy, readNpy, writeNpy } from "../../src/io/npy.ts";
import { fixture, useTempDir } from "./tmp-dir.ts";

const expected = Array.from({ length: 24 }, (_, i) => i / 8 - 1);

describe("reading files written by NumPy", () => {
  for (const name of ["f4.npy", "f8.npy", "v2.npy", "v3.npy"]) {
    it(name, () => {
      const a = readNpy(fixture(name));
      expect(a.shape).toEqual([2, 3, 4]);
      expect(Array.from(npyToFloat32(a))).toEqual(expected);
    });
  }
  it("integer, byte and bool dtypes", () => {
    const i8 = readNpy(fixture("i8.npy"));
    expect([i8.dtype, i8.shape]).toEqual(["<i8", [5]]);
    expect(Array.from(npyToInt32(i8)!)).toEqual([0, 3, 9, 2, 7]);
    expect(Array.from(npyToFloat32(readNpy(fixture("i4.npy"))))).toEqual([1, -2, 3, 4]);
    expect(Array.from(npyToFloat32(readNpy(fixture("i2.npy"))))).toEqual([-300, 5]);
    expect(Array.from(npyToFloat32(readNpy(fixture("u1.npy"))))).toEqual([0, 128, 255]);
    const b1 = readNpy(fixture("b1.npy"));
    expect([b1.dtype, Array.from(npyToFloat32(b1))]).toEqual(["|b1", [1, 0, 1]]);
    const scalar = readNpy(fixture("scalar.npy"));
    expect([scalar.shape, Array.from(npyToFloat32(scalar))]).toEqual([[], [2.5]]);
  });
  it("float labels convert to int32 only when whole", () => {
    expect(Array.from(npyToInt32(readNpy(fixture("onehot.npy")))!)).toEqual([0, 0, 1, 1, 0, 0, 0, 1, 0, 0, 1, 0]);
    expect(npyToInt32(readNpy(fixture("f4.npy")))).toBeUndefined();
  });
});

describe("clear errors", () => {
  const dir = useTempDir();
  it("Fortran order, big-endian and unsupported dtypes", () => {
    expect(() => readNpy(fixture("fortran.npy"))).toThrow(
      "Fortran (column-major) order; save it with np.save(path, np.ascontiguousarray(a))",
    );
    expect(() => readNpy(fixture("bigendian.npy"))).toThrow("dtype '>f4' is not supported");
    expect(() => readNpy(fixture("bigendian.npy"))).toThrow("big-endian");
    expect(() => readNpy(fixture("f2.npy"))).toThrow("dtype '<f2' is not supported");
  });
  it("truncated data, bad magic, missing file", () => {
    const bytes = readFileSync(fixture("f4.npy"));
    const cut = join(dir(), "cut.npy");
    writeFileSync(cut, bytes.subarray(0, bytes.length - 4));
    expect(() => readNpy(cut)).toThrow(
      `${cut}: truncated: shape (2, 3, 4) of <f4 needs 96 data bytes, the file has 92`,
    );
    expect(() => parseNpy(bytes.subarray(0, 40), "x.npy")).toThrow("x.npy: truncated: the header claims 118 bytes");
    expect(() => parseNpy(new TextEncoder().encode("hello world, not numpy"), "x.npy")).toThrow(
      "not a NumPy .npy file",
    );
    expect(() => readNpy(join(dir(), "absent.npy"))).toThrow("cannot read");
  });
});

describe("writing", () => {
  const dir = useTempDir();
  it("round-trips every typed array and matches NumPy's bytes for float32", () => {
    const file = join(dir(), "a.npy");
    const data = Float32Array.from(expected);
    writeNpy(file, { shape: [2, 3, 4], data });
    // NumPy writes the same header layout (v1, padded to 64 bytes), so the files are identical.
    expect(readFileSync(file)).toEqual(readFileSync(fixture("f4.npy")));
    for (const typed of [
      Float64Array.of(1.5, -2),
      Int32Array.of(7, -1),
      Uint8Array.of(0, 255),
      Int16Array.of(-5, 5),
      BigInt64Array.of(1n, 2n),
    ]) {
      writeNpy(file, { shape: [2], data: typed });
      const back = readNpy(file);
      expect(back.data).toEqual(typed);
      expect(back.shape).toEqual([2]);
    }
  });
  it("writes atomically: no temporary file is left and the old file is replaced whole", () => {
    const file = join(dir(), "b.npy");
    writeNpy(file, { shape: [3], data: Float32Array.of(1, 2, 3) });
    writeNpy(file, { shape: [1], data: Float32Array.of(9) });
    expect(readdirSync(dir())).toEqual(["b.npy"]);
    expect(Array.from(npyToFloat32(readNpy(file)))).toEqual([9]);
  });
  it("refuses a shape that does not match the data", () => {
    expect(() => writeNpy(join(dir(), "c.npy"), { shape: [2, 2], data: new Float32Array(3) })).toThrow(
      "shape [2, 2] has 4 elements but the data has 3",
    );
  });
});
