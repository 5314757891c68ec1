// Every command against a catalogue of bad inputs: each gives one error line naming the file
// (plus caret/help/indented lines as `netc check` prints them), the right exit code (0 ok,
// 1 problems in the input, files that cannot be read or written included; 2 usage: the command
// line itself), no stack trace, and never loses or overwrites an earlier
// file. Runs the CLI in process (test/cli/in-process.ts), one case after another.
import { execFileSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeNpy } from "../../src/io/npy.ts";
import { readSafetensors } from "../../src/io/safetensors.ts";
import { netc, type NetcRun } from "./in-process.ts";

const dir = mkdtempSync(join(tmpdir(), "netc-catalogue-"));
const at = (name: string) => join(dir, name);
const write = (name: string, content: string | Uint8Array) => {
  writeFileSync(at(name), content);
  return at(name);
};

const model = write(
  "tiny.net",
  `model Tiny {
  input x: [4]
  dense(8)
  relu
  dense(3)
  softmax
}

train Tiny {
  loss: cross_entropy
  optimizer: sgd(lr = 0.1)
  batch: 4
  epochs: 2
}
`,
);
const untrained = write("plain.net", "model P {\n  input x: [4]\n  dense(3)\n}\n");
const twoInputs = write("two.net", "model Two {\n  input a: [4]\n  input b: [4]\n  add(a) -> sum\n  dense(2) -> logits\n  output sum, logits\n}\n");
const twoModels = write("models.net", "model A {\n  input x: [4]\n}\nmodel B {\n  input x: [2]\n  dense(3)\n}\n");
const warned = write("warned.net", "model W {\n  input x: [4]\n  dense(4) -> unused\n  relu\n}\n");
const broken = write("broken.net", "model Broken {\n  input x: [7, 7, 512]\n  dense(10)\n}\n");
const empty = write("empty.net", "");
const binary = write("binary.net", Uint8Array.from({ length: 300 }, (_, i) => (i * 37) % 256));
const latin1 = write("latin1.net", Buffer.from("model M {\n  input x: [4] // caf\xe9\n}\n", "latin1"));
const deep = write("deep.net", `model Deep {\n  input x: [4]\n  dense(${"(".repeat(200)}4${")".repeat(200)})\n}\n`);
const aFolder = at("folder");
mkdirSync(join(aFolder, "nested"), { recursive: true });
writeFileSync(join(aFolder, "ok.net"), "model Ok {\n  input x: [4]\n  dense(2)\n}\n");
writeFileSync(join(aFolder, "nested", "bad.net"), "model Bad {\n  input x: [4]\n  dense(2, 3x3)\n}\n");
writeFileSync(join(aFolder, "notes.txt"), "not a model");
const emptyFolder = at("nothing-here");
mkdirSync(emptyFolder);
const missing = at("missing.net");
const underFile = join(model, "inside.net");
const unreadable = "/proc/self/mem";

// Data: 8 samples of [4], labels 0..2.
const x = at("x.npy");
const y = at("y.npy");
writeNpy(x, { shape: [8, 4], data: Float32Array.from({ length: 32 }, (_, i) => (i % 5) / 4) });
writeNpy(y, { shape: [8], data: Int32Array.from({ length: 8 }, (_, i) => i % 3) });
const yFractions = at("y-fractions.npy");
writeNpy(yFractions, { shape: [8], data: Float32Array.from({ length: 8 }, (_, i) => i + 0.5) });
const xWrongShape = at("x-wrong.npy");
writeNpy(xWrongShape, { shape: [8, 5], data: new Float32Array(40) });
const xFewer = at("x-fewer.npy");
writeNpy(xFewer, { shape: [6, 4], data: new Float32Array(24) });
/** A valid .npy header for `header`, then the data bytes. */
function npyWith(name: string, header: string, dataBytes: number): string {
  const dict = header.padEnd(118 - 10 - 1) + "\n";
  const bytes = new Uint8Array(10 + dict.length + dataBytes);
  bytes.set([0x93, ...Buffer.from("NUMPY"), 1, 0, dict.length, 0]);
  bytes.set(Buffer.from(dict, "latin1"), 10);
  return write(name, bytes);
}
const xFortran = npyWith("x-fortran.npy", "{'descr': '<f4', 'fortran_order': True, 'shape': (8, 4), }", 128);
const xHalf = npyWith("x-half.npy", "{'descr': '<f2', 'fortran_order': False, 'shape': (8, 4), }", 64);
const xBigEndian = npyWith("x-big.npy", "{'descr': '>f4', 'fortran_order': False, 'shape': (8, 4), }", 128);
const xTruncated = npyWith("x-truncated.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (8, 4), }", 100);
const notNpy = write("not-npy.npy", "hello");

// A read-only folder (a read-only bind mount; as root, file modes do not stop writes) stands in
// for a full or read-only disk.
const readOnly = at("read-only");
mkdirSync(readOnly);
writeFileSync(join(readOnly, "kept.npy"), "earlier file");
let mounted = false;

let weights = "";
const existing = at("existing-output");
mkdirSync(existing);
writeFileSync(join(existing, "keep.txt"), "do not lose me");

beforeAll(async () => {
  try {
    execFileSync("mount", ["--bind", "-o", "ro", readOnly, readOnly], { stdio: "ignore" });
    mounted = true;
  } catch {
    chmodSync(readOnly, 0o555); // not root: the mode is enough
  }
  weights = at("tiny.safetensors");
  const trained = await netc(["train", model, "--data", `${x},${y}`, "--out", weights]);
  expect(trained.code, `${trained.stderr} ${String(trained.crash)} ${(trained.crash as Error)?.stack}`).toBe(0);
}, 60_000);

afterAll(() => {
  if (mounted) execFileSync("umount", [readOnly]);
});

/** No stack trace, no crash, one error (its first line names `file`), with the exit code. */
function expectError(r: NetcRun, code: 1 | 2, file: string, pattern?: RegExp): void {
  expect(r.crash, `crashed: ${String(r.crash)}\n${r.stderr}`).toBeUndefined();
  expect({ code: r.code, stderr: r.stderr }).toMatchObject({ code });
  expect(r.stderr).not.toMatch(/^\s+at .*:\d+:\d+\)?$/m);
  expect(r.stderr).not.toMatch(/\b(TypeError|RangeError|ReferenceError|Error):|\bE[A-Z]{3,}:|\.tmp\b/);
  const lines = r.stderr.trimEnd().split("\n");
  const first = lines[0]!;
  expect(first).toMatch(/^netc: error: |^\S+:\d+:\d+: error NET\d{4}: /);
  expect(first).toContain(file);
  if (pattern) expect(r.stderr).toMatch(pattern);
  // Further lines: a diagnostic's excerpt and help, or indented details.
  for (const line of lines.slice(1)) expect(line).toMatch(/^(\s+|\d+ \| |\s*\| |\S+:\d+:\d+: (error|note))/);
}

function expectOk(r: NetcRun): void {
  expect(r.crash, String(r.crash)).toBeUndefined();
  expect(r.code, r.stderr).toBe(0);
}

describe("netc check", () => {
  it("reports every file, and goes on after one that cannot be read", async () => {
    const r = await netc(["check", warned, missing, broken]);
    expect(r.stdout).toContain(`${warned}:3:15: warning NET5008`);
    expect(r.stdout).toContain(`${broken}:3:3: error NET3001`);
    expect(r.stdout).toContain("1 error, 1 warning\n");
    expectError(r, 1, missing, /no such file; check the path/);
  });

  it("expands folders to the .net files inside, recursively", async () => {
    const r = await netc(["check", aFolder]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`${join(aFolder, "nested", "bad.net")}:3:12: error`);
    expect(r.stdout).not.toContain("notes.txt");
    expectError(await netc(["check", emptyFolder]), 1, emptyFolder, /no \.net files/);
  });

  it("a 0-byte file is a warning in check and an error where a model is needed", async () => {
    const r = await netc(["check", empty]);
    expectOk(r);
    expect(r.stdout).toBe(`${empty}: warning: empty file, nothing to check\n0 errors, 1 warning\n`);
    for (const command of ["summary", "export", "compile"]) {
      const extra = command === "export" ? ["--onnx", at("e.onnx")] : command === "compile" ? ["-o", at("e.ts")] : [];
      expectError(await netc([command, empty, ...extra]), 1, empty, /empty file; it declares no model/);
    }
  });

  it("a binary or non-UTF-8 file is one clear error", async () => {
    for (const command of ["check", "summary", "fmt"]) {
      const r = await netc([command, binary]);
      expectError(r, 1, binary, /is not a text file/);
      expect(r.stderr.split("\n").length).toBe(2);
      expect(r.stdout).toBe("");
    }
    expectError(await netc(["check", latin1]), 1, latin1, /not valid UTF-8/);
  });

  it("200 nested parentheses give NET1016, not a stack overflow", async () => {
    const r = await netc(["check", deep]);
    expect(r.crash).toBeUndefined();
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(new RegExp(`^${deep}:3:\\d+: error NET1016: nesting too deep`, "m"));
    expectError(await netc(["summary", deep]), 1, deep, /NET1016/);
  });

  it("files that cannot be opened are input errors naming the file", async () => {
    expectError(await netc(["check", aFolder, underFile]), 1, underFile, /a part of the path is a file/);
    expectError(await netc(["summary", aFolder]), 1, aFolder, /it is a folder, not a file/);
    expectError(await netc(["summary", unreadable]), 1, unreadable, /input\/output error/);
    expectError(await netc(["check", "--format", "xml", model]), 2, "--format");
  });
});

describe("colours", () => {
  it("as tsc --pretty when forced; none for pipes or with NO_COLOR", async () => {
    const forced = await netc(["check", broken, missing], { FORCE_COLOR: "1", NO_COLOR: undefined });
    expect(forced.stdout).toContain(`\x1b[96m${broken}\x1b[39m:\x1b[93m3\x1b[39m:\x1b[93m3\x1b[39m: \x1b[91merror\x1b[39m \x1b[90mNET3001\x1b[39m:`);
    expect(forced.stderr).toMatch(/^netc: \x1b\[91m\x1b\[1merror:\x1b\[22m\x1b\[39m cannot read/);
    const plain = await netc(["check", broken], { FORCE_COLOR: undefined, NO_COLOR: undefined });
    expect(plain.stdout).not.toContain("\x1b[");
    expect((await netc(["check", broken], { NO_COLOR: "1" })).stdout).not.toContain("\x1b[");
  });

  it("colorEnabled: FORCE_COLOR wins, then NO_COLOR, then whether the stream is a terminal", async () => {
    const { colorEnabled } = await import("../../src/cli/style.ts");
    expect(colorEnabled({ isTTY: true }, {})).toBe(true);
    expect(colorEnabled({ isTTY: false }, {})).toBe(false);
    expect(colorEnabled({ isTTY: true }, { NO_COLOR: "1" })).toBe(false);
    expect(colorEnabled({ isTTY: true }, { NO_COLOR: "" })).toBe(true);
    expect(colorEnabled({ isTTY: false }, { FORCE_COLOR: "1" })).toBe(true);
    expect(colorEnabled({ isTTY: true }, { FORCE_COLOR: "0" })).toBe(false);
    expect(colorEnabled({ isTTY: true }, { TERM: "dumb" })).toBe(false);
  });
});

describe("usage", () => {
  it("no arguments: help on stderr, exit 2; --help on stdout, exit 0", async () => {
    const none = await netc([]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain("Usage: netc");
    expect(none.stdout).toBe("");
    const help = await netc(["--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("Usage: netc");
  });

  it("unknown commands and options share the one prefix", async () => {
    const r = await netc(["chekc", model]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^netc: error: unknown command 'chekc'/);
    const lsp = await netc(["lsp", "--port", "3000"]);
    expect(lsp.code).toBe(2);
    expect(lsp.stderr).toMatch(/^netc: error: unknown option '--port'/);
    const o = await netc(["summary", model, "--jsn"]);
    expect(o.code).toBe(2);
    expect(o.stderr).toMatch(/^netc: error: unknown option '--jsn'/);
  });

  it("refuses bad numbers in options before doing anything", async () => {
    const base = ["predict", model, "--weights", "w", "--input", x, "--output", at("never.npy")];
    for (const bad of ["0", "-5", "abc", "1.5", "1e400", "99999999999999999999", ""]) {
      for (const args of [
        [...base, "--batch", bad],
        ["train", model, "--data", `${x},${y}`, "--epochs", bad],
        ["train", model, "--data", `${x},${y}`, "--batch", bad],
        ["train", model, "--data", `${x},${y}`, "--threads", bad],
        ["compile", model, "-o", at("never.ts"), "--max-batch", bad],
        ["data", "nuclei", "--out", at("never"), "--count", bad],
        ["data", "nuclei", "--out", at("never"), "--size", bad],
      ]) {
        const r = await netc(args);
        expectError(r, 2, args[args.length - 2]!);
      }
    }
    expect(existsSync(at("never.npy")) || existsSync(at("never.ts")) || existsSync(at("never"))).toBe(false);
  });

  it("--data: unknown names and missing values are both usage errors", async () => {
    expectError(await netc(["train", model, "--data", "cifar"]), 2, "cifar", /mnist, nuclei/);
    expect((await netc(["train", model])).code).toBe(2);
    expectError(await netc(["evaluate", model, "--weights", "w", "--data", "cifar"]), 2, "cifar");
    expectError(await netc(["data", "cifar", "--out", at("d")]), 2, "cifar", /mnist, nuclei/);
  });
});

describe("netc train", () => {
  it("reads a pair of .npy files listed with a space after the comma", async () => {
    const out = at("spaced.safetensors");
    const r = await netc(["train", model, "--data", `${x}, ${y}`, "--out", out, "--epochs", "1"]);
    expectOk(r);
    expect(r.stdout).toContain(", 1 epoch\n");
    expect(r.stdout).not.toContain("1 epochs");
  });

  it("trains the same weights with --threads 1 and --threads 2 on a model too small to split", async () => {
    const weights = async (threads: string) => {
      const out = at(`threads-${threads}.safetensors`);
      expectOk(await netc(["train", model, "--data", `${x},${y}`, "--out", out, "--epochs", "1", "--threads", threads]));
      return readFileSync(out);
    };
    expect((await weights("2")).equals(await weights("1"))).toBe(true);
  });

  it("refuses bad data files with their name and the fix", async () => {
    const cases: [string, 1 | 2, string, RegExp][] = [
      [`${missing.replace(".net", ".npy")},${y}`, 1, missing.replace(".net", ".npy"), /no such file/],
      [`${xFortran},${y}`, 1, xFortran, /Fortran.*ascontiguousarray/],
      [`${xHalf},${y}`, 1, xHalf, /'<f2' is not supported/],
      [`${xBigEndian},${y}`, 1, xBigEndian, /big-endian/],
      [`${xTruncated},${y}`, 1, xTruncated, /truncated/],
      [`${notNpy},${y}`, 1, notNpy, /not a NumPy \.npy file/],
      [`${x},${yFractions}`, 1, yFractions, /./],
      [`${xWrongShape},${y}`, 1, xWrongShape, /\[5\].*\[4\]/],
      [`${xFewer},${y}`, 1, xFewer, /6.*8|8.*6/],
      [`${aFolder},${y}`, 1, aFolder, /./],
    ];
    for (const [data, code, file, pattern] of cases) {
      const r = await netc(["train", model, "--data", data, "--out", at("bad-data.safetensors")]);
      expectError(r, code, file, pattern);
      expect(r.stdout).not.toMatch(/epoch \d/);
    }
    expect(existsSync(at("bad-data.safetensors"))).toBe(false);
  });

  it("refuses an --out that is a folder before training, and loses nothing", async () => {
    const r = await netc(["train", model, "--data", `${x},${y}`, "--out", existing]);
    expectError(r, 1, existing, /folder/);
    expect(r.stdout).not.toMatch(/epoch \d/);
    expect(readdirSync(existing)).toEqual(["keep.txt"]);
  });

  it("refuses an --out it cannot write before training", async () => {
    for (const out of [join(readOnly, "w.safetensors"), join(model, "w.safetensors")]) {
      const r = await netc(["train", model, "--data", `${x},${y}`, "--out", out]);
      expectError(r, 1, out.split("/").slice(0, -1).join("/"));
      expect(r.stdout).not.toMatch(/epoch \d/);
    }
    expect(readFileSync(join(readOnly, "kept.npy"), "utf8")).toBe("earlier file");
  });

  it("creates missing output folders", async () => {
    const out = at("new/deeper/w.safetensors");
    expectOk(await netc(["train", model, "--data", `${x},${y}`, "--out", out, "--epochs", "1"]));
    expect(readSafetensors(out).tensors.size).toBe(4);
  });

  it("bad --init, --resume and models", async () => {
    expectError(await netc(["train", model, "--data", `${x},${y}`, "--init", at("nope.safetensors")]), 1, "nope.safetensors");
    expectError(await netc(["train", model, "--data", `${x},${y}`, "--init", x]), 1, x);
    expectError(await netc(["train", model, "--data", `${x},${y}`, "--resume", at("nope.ckpt")]), 1, "nope.ckpt");
    expectError(await netc(["train", untrained, "--data", `${x},${y}`]), 2, "no train section");
    expectError(await netc(["train", twoModels, "--data", `${x},${y}`]), 2, twoModels, /--model/);
  });
});

describe("netc predict", () => {
  const output = at("pred.npy");

  it("writes into missing folders", async () => {
    const out = at("made/for/you/p.npy");
    const r = await netc(["predict", model, "--weights", weights, "--input", x, "--output", out]);
    expectOk(r);
    expect(statSync(out).size).toBeGreaterThan(128);
  });

  it("keeps an earlier output when a run fails", async () => {
    writeFileSync(output, "earlier result");
    const bad: [string[], 1 | 2, string][] = [
      [["--input", xWrongShape], 1, xWrongShape],
      [["--input", xFortran], 1, xFortran],
      [["--input", at("nope.npy")], 1, "nope.npy"],
      [["--input", x, "--tiles"], 2, "--tiles"],
      [["--input", x, "--png"], 2, "--png"],
      [["--input", x, "--weights", x], 1, x],
      [["--input", x, "--weights", at("nope.safetensors")], 1, "nope.safetensors"],
    ];
    for (const [args, code, file] of bad) {
      const r = await netc(["predict", model, "--weights", weights, "--output", output, ...args]);
      expectError(r, code, file);
    }
    expect(readFileSync(output, "utf8")).toBe("earlier result");
  });

  it("refuses outputs it cannot write, naming them", async () => {
    expectError(
      await netc(["predict", model, "--weights", weights, "--input", x, "--output", existing]),
      1,
      existing,
      /folder/,
    );
    const ro = join(readOnly, "kept.npy");
    expectError(await netc(["predict", model, "--weights", weights, "--input", x, "--output", ro]), 1, ro);
    expect(readFileSync(ro, "utf8")).toBe("earlier file");
  });

  it("takes one --input name=file per input and writes one file per output", async () => {
    const base = at("two/out.npy");
    const w = at("two.safetensors");
    // Weights of the two-input model (it has no train section): its seeded initialisation.
    const { initializeParams } = await import("../../src/runtime/index.ts");
    const { saveWeights, weightsOf } = await import("../../src/backends/interpret/trainer.ts");
    const { loadGraph } = await import("../../src/cli/load-graph.ts");
    const { graph } = loadGraph(twoInputs, {});
    saveWeights(w, weightsOf(graph, initializeParams(graph, 0)), graph.model);

    const one = await netc(["predict", twoInputs, "--weights", w, "--input", x, "--output", base]);
    expectError(one, 2, "--input", /a=.*b=/);
    const r = await netc(["predict", twoInputs, "--weights", w, "--input", `a=${x}`, "--input", `b=${x}`, "--output", base]);
    expectOk(r);
    expect(readdirSync(at("two")).sort()).toEqual(["out-logits.npy", "out-sum.npy"]);
    expect(r.stdout).toContain("out-sum.npy [8, 4]");
    expect(r.stdout).toContain("out-logits.npy [8, 2]");
    expectError(
      await netc(["predict", twoInputs, "--weights", w, "--input", `a=${x}`, "--input", `c=${x}`, "--output", base]),
      2,
      "c=",
    );
  });
});

describe("netc evaluate", () => {
  it("refuses bad weights and data with the file name", async () => {
    expectError(await netc(["evaluate", model, "--weights", aFolder, "--data", `${x},${y}`]), 1, aFolder);
    expectError(await netc(["evaluate", model, "--weights", weights, "--data", `${xFortran},${y}`]), 1, xFortran);
    expectError(await netc(["evaluate", model, "--weights", weights, "--data", `${x},${at("none.npy")}`]), 1, "none.npy");
    expectError(await netc(["evaluate", model, "--data", `${x},${y}`]), 2, "--weights");
  });
});

describe("netc export and compile", () => {
  it("create missing folders, report the real size and leave no temporary file", async () => {
    const onnx = at("exported/deep/tiny.onnx");
    const e = await netc(["export", model, "--onnx", onnx, "--weights", weights]);
    expectOk(e);
    expect(e.stdout).toContain(`${statSync(onnx).size.toLocaleString("en-US")} bytes`);
    const ts = at("compiled/deep/tiny.ts");
    const c = await netc(["compile", model, "-o", ts, "--kernels", "js"]);
    expectOk(c);
    expect(c.stdout).toContain(`${statSync(ts).size.toLocaleString("en-US")} bytes`);
    expect(readdirSync(at("exported/deep"))).toEqual(["tiny.onnx"]);
    expect(readdirSync(at("compiled/deep"))).toEqual(["tiny.ts"]);
  });

  it("cannot-write errors name the target, never a temporary file", async () => {
    for (const [command, flag] of [["export", "--onnx"], ["compile", "-o"]] as const) {
      const ro = join(readOnly, "kept.npy");
      expectError(await netc([command, model, flag, ro]), 1, ro, /read-only|permission/);
      expectError(await netc([command, model, flag, existing]), 1, existing, /folder/);
      expectError(await netc([command, model, flag, join(model, "x")]), 1, model);
      expectError(await netc([command, model, flag, at("w.out"), "--weights", x]), 1, x);
    }
    expect(readFileSync(join(readOnly, "kept.npy"), "utf8")).toBe("earlier file");
    expect(readdirSync(existing)).toEqual(["keep.txt"]);
  });
});

describe("netc data and fmt", () => {
  it("data: unwritable folders are one error", async () => {
    expectError(await netc(["data", "nuclei", "--count", "2", "--size", "32", "--out", join(model, "d")]), 1, model);
    expectError(await netc(["data", "nuclei", "--count", "2", "--size", "32", "--out", readOnly]), 1, readOnly);
  });

  it("fmt: unreadable, binary and broken files, folders", async () => {
    expectError(await netc(["fmt", missing]), 1, missing);
    expectError(await netc(["fmt", "--check", broken.replace("broken", "nope")]), 1, "nope.net");
    const syntax = write("syntax.net", "model S {\n  input x: [4\n}\n");
    const r = await netc(["fmt", syntax]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^${syntax}:2:14: error NET1010`));
    expect(r.stderr).toContain("not formatted: fix the syntax errors first");
    expect(r.stderr).not.toMatch(/netc fmt:/);
    mkdirSync(at("to-format/sub"), { recursive: true });
    const messy = write("to-format/sub/messy.net", "model M{input x:[4];relu}\n");
    write("to-format/tidy.net", "model M {\n  input x: [4]\n  relu\n}\n");
    const check = await netc(["fmt", "--check", at("to-format")]);
    expect(check.code).toBe(1);
    expect(check.stdout).toBe(`${messy}\n`);
    expectOk(await netc(["fmt", at("to-format")]));
    expectOk(await netc(["fmt", "--check", at("to-format")]));
  });
});
