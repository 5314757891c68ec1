// Row-wise SIMD kernels of sequence models: layer normalisation (and RMS normalisation) over
// each row's C features, forward and backward, and softmax over rows (attention's weights,
// with its causal mask, and the softmax op on the last axis), forward and backward. Each row
// is walked four floats at a time, then its last C mod 4 one by one; sums run in float32 in
// four lanes (the reference kernels sum in float64: results agree to ~1e-6 relative).
//   layernorm: x̂ = (x − μ)·r, r = 1/√(σ² + ε), y = γ·x̂ (+ β); rmsnorm: μ = 0
//   backward:  dγ += dy·x̂, dβ += dy, dx += r·(g − mean(g) − x̂·mean(g·x̂)), g = γ·dy
//   softmax:   p = e^{(x − max)·scale}/Σ over a row's first `visible` entries, 0 after them
//   backward:  dx (+)= scale·y·(dy − Σ dy·y)
import type { Code, ModuleBuilder } from "./emitter.ts";
import { emitExp, splat } from "./elementwise-kernel.ts";

/** layernorm flags */
export const NORM_CENTRE = 1;
export const NORM_BETA = 2;
export const NORM_KEEP_STATS = 4;
/** layernorm_grad flags */
export const NORM_GRAD_CENTRE = 1;
export const NORM_GRAD_BETA = 2;
export const NORM_GRAD_GAMMA = 4;
export const NORM_GRAD_X = 8;

/** Pushes the value at pointer local `base` + j: four floats, or one. */
function load(code: Code, base: string, vector: boolean): void {
  code.get(base).get("j").i32Add();
  if (vector) code.v128Load();
  else code.f32Load();
}

/** Stores what `value` pushes at pointer local `base` + j. */
function store(code: Code, base: string, vector: boolean, value: () => void): void {
  code.get(base).get("j").i32Add();
  value();
  if (vector) code.v128Store();
  else code.f32Store();
}

/** Walks j (bytes) over [0, end): whole vectors to vecEnd, then single floats. */
function overRow(code: Code, vecEnd: string, end: string, body: (vector: boolean) => void): void {
  code.i32Const(0).set("j");
  code.forStep("j", vecEnd, 16, () => body(true));
  code.forStep("j", end, 4, () => body(false));
}

/** Arithmetic on four lanes or one. */
function ops(code: Code, vector: boolean) {
  return {
    add: () => (vector ? code.f32x4Add() : code.f32Add()),
    sub: () => (vector ? code.f32x4Sub() : code.f32Sub()),
    mul: () => (vector ? code.f32x4Mul() : code.f32Mul()),
    /** The v128 local `name`V or the f32 local `name`. */
    get: (name: string) => code.get(vector ? `${name}V` : name),
    set: (name: string) => code.set(vector ? `${name}V` : name),
  };
}

/** Pushes the sum of a v128 local's lanes plus an f32 local. */
function laneSum(code: Code, vectorLocal: string, scalarLocal: string): void {
  code.get(scalarLocal);
  for (let lane = 0; lane < 4; lane++) code.get(vectorLocal).f32x4ExtractLane(lane).f32Add();
}

/** Declares f32 locals and their v128 twins (`name`V). */
function pairs(code: Code, names: readonly string[]): void {
  for (const name of names) {
    code.local(name, "f32");
    code.local(`${name}V`, "v128");
  }
}

/** Zeroes the f32 local and its v128 twin. */
function zero(code: Code, name: string): void {
  code.f32Const(0).set(name);
  splat(code, 0);
  code.set(`${name}V`);
}

/** Sets the v128 twin of an f32 local to its splat. */
function spread(code: Code, name: string): void {
  code.get(name).f32x4Splat().set(`${name}V`);
}

/** Pushes the i32 local as a float. */
function float(code: Code, local: string): void {
  code.get(local).f32ConvertI32S();
}

/**
 * acc = Σ term over a row's `end` bytes: four running sums over blocks of four vectors (one
 * chain would wait on each add's latency), then single vectors, then single floats (into the
 * v128 local accV and the f32 local acc; the caller sums accV's lanes). `term(vector, offset)`
 * pushes the term for the float(s) at byte j + offset. Needs the i32 locals j, blockEnd (vecEnd
 * rounded down to 64 bytes), vecEnd, end and the v128 locals acc1V…acc3V.
 */
function sumRow(code: Code, term: (vector: boolean, offset: number) => void): void {
  const sums = ["accV", "acc1V", "acc2V", "acc3V"];
  zero(code, "acc");
  for (const l of sums.slice(1)) code.get("accV").set(l);
  code.i32Const(0).set("j");
  code.forStep("j", "blockEnd", 64, () =>
    sums.forEach((l, i) => {
      code.get(l);
      term(true, 16 * i);
      code.f32x4Add().set(l);
    }),
  );
  code.get("accV").get("acc1V").f32x4Add().get("acc2V").get("acc3V").f32x4Add().f32x4Add().set("accV");
  code.forStep("j", "vecEnd", 16, () => {
    code.get("accV");
    term(true, 0);
    code.f32x4Add().set("accV");
  });
  code.forStep("j", "end", 4, () => {
    code.get("acc");
    term(false, 0);
    code.f32Add().set("acc");
  });
}

/** Pushes the float(s) at pointer local `base` + j + offset. */
function loadAt(code: Code, base: string, vector: boolean, offset: number): void {
  code.get(base).get("j").i32Add();
  if (vector) code.v128Load(offset);
  else code.f32Load(offset);
}

function emitLayernorm(m: ModuleBuilder): void {
  const { code } = m.func("layernorm", [
    ["x", "i32"], ["gamma", "i32"], ["beta", "i32"], ["y", "i32"], ["stats", "i32"],
    ["rows", "i32"], ["c", "i32"], ["eps", "f32"], ["flags", "i32"],
  ]);
  for (const l of ["row", "j", "end", "vecEnd", "blockEnd"]) code.local(l, "i32");
  pairs(code, ["mean", "r", "acc", "d"]);
  for (const l of ["acc1V", "acc2V", "acc3V"]) code.local(l, "v128");
  code.get("c").i32Const(4).i32Mul().tee("end").i32Const(-16).i32And().tee("vecEnd").i32Const(-64).i32And().set("blockEnd");
  code.forRange("row", "rows", () => {
    zero(code, "mean");
    code.get("flags").i32Const(NORM_CENTRE).i32And();
    code.if(() => {
      sumRow(code, (vector, offset) => loadAt(code, "x", vector, offset));
      laneSum(code, "accV", "acc");
      float(code, "c");
      code.f32Div().set("mean");
    });
    spread(code, "mean");
    // Σ (x − mean)²
    sumRow(code, (vector, offset) => {
      const o = ops(code, vector);
      loadAt(code, "x", vector, offset);
      o.get("mean");
      o.sub();
      o.set("d");
      o.get("d");
      o.get("d");
      o.mul();
    });
    code.f32Const(1);
    laneSum(code, "accV", "acc");
    float(code, "c");
    code.f32Div().get("eps").f32Add().f32Sqrt().f32Div().set("r");
    spread(code, "r");
    code.get("flags").i32Const(NORM_KEEP_STATS).i32And();
    code.if(() => {
      code.get("stats").get("mean").f32Store(0);
      code.get("stats").get("r").f32Store(4);
      code.get("stats").i32Const(8).i32Add().set("stats");
    });
    const normalise = (shift: boolean) =>
      overRow(code, "vecEnd", "end", (vector) => {
        const o = ops(code, vector);
        store(code, "y", vector, () => {
          load(code, "x", vector);
          o.get("mean");
          o.sub();
          o.get("r");
          o.mul();
          load(code, "gamma", vector);
          o.mul();
          if (shift) {
            load(code, "beta", vector);
            o.add();
          }
        });
      });
    code.get("flags").i32Const(NORM_BETA).i32And();
    code.if(
      () => normalise(true),
      () => normalise(false),
    );
    code.get("x").get("end").i32Add().set("x");
    code.get("y").get("end").i32Add().set("y");
  });
}

function emitLayernormGrad(m: ModuleBuilder): void {
  const { code } = m.func("layernorm_grad", [
    ["x", "i32"], ["gamma", "i32"], ["stats", "i32"], ["dy", "i32"], ["dx", "i32"], ["dgamma", "i32"], ["dbeta", "i32"],
    ["rows", "i32"], ["c", "i32"], ["flags", "i32"],
  ]);
  for (const l of ["row", "j", "end", "vecEnd"]) code.local(l, "i32");
  pairs(code, ["mean", "r", "sumG", "sumGX", "xh", "g", "meanG", "meanGX"]);
  code.get("c").i32Const(4).i32Mul().tee("end").i32Const(-16).i32And().set("vecEnd");
  code.forRange("row", "rows", () => {
    code.get("stats").f32Load(0).set("mean");
    code.get("stats").f32Load(4).set("r");
    code.get("stats").i32Const(8).i32Add().set("stats");
    spread(code, "mean");
    spread(code, "r");
    zero(code, "sumG");
    zero(code, "sumGX");
    overRow(code, "vecEnd", "end", (vector) => {
      const o = ops(code, vector);
      load(code, "x", vector);
      o.get("mean");
      o.sub();
      o.get("r");
      o.mul();
      o.set("xh");
      load(code, "dy", vector);
      load(code, "gamma", vector);
      o.mul();
      o.set("g");
      o.get("sumG");
      o.get("g");
      o.add();
      o.set("sumG");
      o.get("sumGX");
      o.get("g");
      o.get("xh");
      o.mul();
      o.add();
      o.set("sumGX");
      code.get("flags").i32Const(NORM_GRAD_GAMMA).i32And();
      code.if(() =>
        store(code, "dgamma", vector, () => {
          load(code, "dgamma", vector);
          load(code, "dy", vector);
          o.get("xh");
          o.mul();
          o.add();
        }),
      );
      code.get("flags").i32Const(NORM_GRAD_BETA).i32And();
      code.if(() =>
        store(code, "dbeta", vector, () => {
          load(code, "dbeta", vector);
          load(code, "dy", vector);
          o.add();
        }),
      );
    });
    code.f32Const(0).set("meanG");
    code.get("flags").i32Const(NORM_GRAD_CENTRE).i32And();
    code.if(() => {
      laneSum(code, "sumGV", "sumG");
      float(code, "c");
      code.f32Div().set("meanG");
    });
    laneSum(code, "sumGXV", "sumGX");
    float(code, "c");
    code.f32Div().set("meanGX");
    spread(code, "meanG");
    spread(code, "meanGX");
    code.get("flags").i32Const(NORM_GRAD_X).i32And();
    code.if(() =>
      overRow(code, "vecEnd", "end", (vector) => {
        const o = ops(code, vector);
        store(code, "dx", vector, () => {
          load(code, "dx", vector);
          load(code, "dy", vector);
          load(code, "gamma", vector);
          o.mul();
          o.get("meanG");
          o.sub();
          load(code, "x", vector);
          o.get("mean");
          o.sub();
          o.get("r");
          o.mul();
          o.get("meanGX");
          o.mul();
          o.sub();
          o.get("r");
          o.mul();
          o.add();
        });
      }),
    );
    code.get("x").get("end").i32Add().set("x");
    code.get("dy").get("end").i32Add().set("dy");
    code.get("dx").get("end").i32Add().set("dx");
  });
}

function emitSoftmaxRows(m: ModuleBuilder, fma: boolean): number {
  const { index, code } = m.func("softmax_rows", [["p", "i32"], ["rows", "i32"], ["len", "i32"], ["scale", "f32"], ["offset", "i32"]]);
  for (const l of ["row", "j", "visible", "vecEnd", "blockEnd", "stride"]) code.local(l, "i32");
  pairs(code, ["max", "sum", "scale2"]);
  for (const l of ["y", "e", "k", "r", "z", "max1V", "max2V", "max3V"]) code.local(l, "v128");
  code.get("len").i32Const(4).i32Mul().set("stride");
  code.get("scale").set("scale2");
  spread(code, "scale2");
  code.forRange("row", "rows", () => {
    // visible = offset ≥ 0 ? min(len, row + offset + 1) : len, in bytes
    code.get("len");
    code.get("row").get("offset").i32Add().i32Const(1).i32Add();
    code.get("len").get("row").get("offset").i32Add().i32Const(1).i32Add().i32LtS();
    code.select();
    code.get("len");
    code.get("offset").i32Const(0).i32GeS();
    code.select().i32Const(4).i32Mul().tee("visible").i32Const(-16).i32And().set("vecEnd");
    code.f32Const(-Infinity).set("max");
    code.get("max").f32x4Splat().set("maxV");
    // Four running maxima over blocks of four vectors (one chain would wait on each max's
    // latency), then single vectors, then single floats.
    for (const l of ["max1V", "max2V", "max3V"]) code.get("maxV").set(l);
    code.get("vecEnd").i32Const(-64).i32And().set("blockEnd");
    code.i32Const(0).set("j");
    code.forStep("j", "blockEnd", 64, () => {
      ["maxV", "max1V", "max2V", "max3V"].forEach((l, i) => code.get(l).get("p").get("j").i32Add().v128Load(16 * i).f32x4Pmax().set(l));
    });
    code.get("maxV").get("max1V").f32x4Pmax().get("max2V").get("max3V").f32x4Pmax().f32x4Pmax().set("maxV");
    code.forStep("j", "vecEnd", 16, () => code.get("maxV").get("p").get("j").i32Add().v128Load().f32x4Pmax().set("maxV"));
    code.forStep("j", "visible", 4, () => code.get("max").get("p").get("j").i32Add().f32Load().f32Max().set("max"));
    for (let lane = 0; lane < 4; lane++) code.get("max").get("maxV").f32x4ExtractLane(lane).f32Max().set("max");
    spread(code, "max");
    zero(code, "sum");
    // e^{(x − max)·scale}, the exponent clamped at −87 (e^x stays a normal float); a single
    // float goes through lane 0 of a splat.
    overRow(code, "vecEnd", "visible", (vector) => {
      code.get("p").get("j").i32Add();
      if (vector) code.v128Load();
      else code.v128Load32Splat();
      code.get("maxV").f32x4Sub().get("scale2V").f32x4Mul();
      splat(code, -87);
      code.f32x4Pmax().set("y");
      emitExp(code, "y", "e", fma);
      if (vector) {
        code.get("p").get("j").i32Add().get("e").v128Store();
        code.get("sumV").get("e").f32x4Add().set("sumV");
      } else {
        code.get("p").get("j").i32Add().get("e").f32x4ExtractLane(0).f32Store();
        code.get("sum").get("e").f32x4ExtractLane(0).f32Add().set("sum");
      }
    });
    code.f32Const(1);
    laneSum(code, "sumV", "sum");
    code.f32Div().set("sum");
    spread(code, "sum");
    overRow(code, "vecEnd", "visible", (vector) => {
      const o = ops(code, vector);
      store(code, "p", vector, () => {
        load(code, "p", vector);
        o.get("sum");
        o.mul();
      });
    });
    // Masked keys weigh exactly 0.
    code.get("p").get("visible").i32Add().i32Const(0).get("stride").get("visible").i32Sub().memoryFill();
    code.get("p").get("stride").i32Add().set("p");
  });
  return index;
}

function emitSoftmaxGrad(m: ModuleBuilder): void {
  const { code } = m.func("softmax_grad", [
    ["y", "i32"], ["dy", "i32"], ["dx", "i32"], ["rows", "i32"], ["len", "i32"], ["scale", "f32"], ["accumulate", "i32"],
  ]);
  for (const l of ["row", "j", "end", "vecEnd"]) code.local(l, "i32");
  pairs(code, ["dot", "s"]);
  code.get("len").i32Const(4).i32Mul().tee("end").i32Const(-16).i32And().set("vecEnd");
  code.get("scale").set("s");
  spread(code, "s");
  const write = (accumulate: boolean) =>
    overRow(code, "vecEnd", "end", (vector) => {
      const o = ops(code, vector);
      store(code, "dx", vector, () => {
        load(code, "y", vector);
        load(code, "dy", vector);
        o.get("dot");
        o.sub();
        o.mul();
        o.get("s");
        o.mul();
        if (accumulate) {
          load(code, "dx", vector);
          o.add();
        }
      });
    });
  code.forRange("row", "rows", () => {
    zero(code, "dot");
    overRow(code, "vecEnd", "end", (vector) => {
      const o = ops(code, vector);
      o.get("dot");
      load(code, "dy", vector);
      load(code, "y", vector);
      o.mul();
      o.add();
      o.set("dot");
    });
    laneSum(code, "dotV", "dot");
    code.set("dot");
    spread(code, "dot");
    code.get("accumulate");
    code.if(
      () => write(true),
      () => write(false),
    );
    code.get("y").get("end").i32Add().set("y");
    code.get("dy").get("end").i32Add().set("dy");
    code.get("dx").get("end").i32Add().set("dx");
  });
}

/**
 * Exports
 * - `layernorm(x, gamma, beta, y, stats, rows, c, eps, flags)`: rows of c floats; NORM_CENTRE
 *   subtracts the mean (layernorm; without it rmsnorm), NORM_BETA adds beta, NORM_KEEP_STATS
 *   writes each row's mean and 1/σ to stats (2 floats a row). y may be x.
 * - `layernorm_grad(x, gamma, stats, dy, dx, dgamma, dbeta, rows, c, flags)`: accumulates into
 *   dx, dgamma, dbeta as NORM_GRAD_X/GAMMA/BETA say; NORM_GRAD_CENTRE as NORM_CENTRE.
 * - `softmax_rows(p, rows, len, scale, offset)`: in place; row i sees its first
 *   min(len, i + offset + 1) entries (all when offset < 0), the rest become 0.
 * - `softmax_grad(y, dy, dx, rows, len, scale, accumulate)`: dx may be dy (not accumulating).
 * Returns softmax_rows' function index (attention-kernel.ts calls it).
 */
export function emitRowKernels(m: ModuleBuilder, fma: boolean): { softmaxRows: number } {
  emitLayernorm(m);
  emitLayernormGrad(m);
  const softmaxRows = emitSoftmaxRows(m, fma);
  emitSoftmaxGrad(m);
  return { softmaxRows };
}
