// `netc check` and `netc summary` through the real entry point: output formats and exit codes
// (0 clean or warnings only, 1 errors, 2 usage errors).
import { mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { netc as runInProcess } from "./in-process.ts";

const root = join(import.meta.dirname, "../..");
const dir = mkdtempSync(join(tmpdir(), "netc-cli-"));

/** The CLI in process (see in-process.ts): one run at a time. */
const netc = (...args: string[]) => runInProcess(args);

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const bad = file("bad.net", "model M {\n  input image: [7, 7, 512]\n  dense(10)\n}\n");
const warned = file("warned.net", "model M {\n  input x: [4]\n  dense(4) -> unused\n  relu\n}\n");
const two = file("two.net", "model A {\n  input x: [4]\n}\nmodel B {\n  input x: [2]\n  dense(3)\n}\n");

describe("netc check", () => {
  it("prints file:line:col: severity CODE: message, the source line and carets; exit 1 on errors", async () => {
    const r = await netc("check", bad);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      `${bad}:3:3: error NET3001: dense expects a rank-1 input, got [7, 7, 512]; insert flatten() or globalavgpool() before it\n` +
        "3 |   dense(10)\n" +
        "  |   ^^^^^^^^^\n" +
        "  help: insert flatten()\n",
    );
    expect(r.stdout).toContain("1 error, 0 warnings");
  });

  it("exits 0 with warnings only", async () => {
    const r = await netc("check", warned);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`${warned}:3:15: warning NET5008: label 'unused' is never used`);
  });

  it("checks every example cleanly (exit 0)", async () => {
    const examples = readdirSync(join(root, "examples")).filter((f) => f.endsWith(".net"));
    const r = await netc("check", ...examples.map((f) => `examples/${f}`));
    expect(r.stdout).not.toMatch(/: error NET/);
    expect(r.code).toBe(0);
  });

  it("--format json gives positions, notes and fixes", async () => {
    const r = await netc("check", "--format", "json", bad, warned);
    expect(r.code).toBe(1);
    const all = JSON.parse(r.stdout);
    expect(all.map((d: { code: string; file: string }) => [d.code, d.file])).toEqual([
      ["NET3001", bad],
      ["NET5008", warned],
    ]);
    expect(all[0]).toMatchObject({ severity: "error", line: 3, column: 3, endLine: 3, endColumn: 12 });
    expect(all[0].fixes[0]).toMatchObject({ title: "insert flatten()", edits: [{ newText: "flatten() ", line: 3, column: 3 }] });
  });

  it("exits 1 for a missing file and 2 for a bad option", async () => {
    const missing = await netc("check", join(dir, "nope.net"));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("no such file");
    expect((await netc("check", "--format", "xml", bad)).code).toBe(2);
    expect((await netc("check")).code).toBe(2);
  });
});

describe("netc summary", () => {
  it("prints a table with thousands separators and the totals", async () => {
    const r = await netc("summary", "examples/lenet5.net");
    expect(r.code).toBe(0);
    const lines = r.stdout.split("\n");
    expect(lines).toContainEqual(expect.stringMatching(/^dense_0\s+dense\s+\[120\]\s+48,120\s+48,000\s+14$/));
    expect(r.stdout).toMatch(/Total params:\s+61,706\n/);
    expect(r.stdout).toMatch(/Non-trainable params:\s+0\n/);
    expect(r.stdout).toMatch(/MACs:\s+416,520\n/);
    expect(r.stdout).toMatch(/Parameter bytes:\s+246,824 B \(241\.04 KiB\)\n/);
    expect(r.stdout).toMatch(/Activation bytes, inference \(peak, per sample\):\s+37,632 B/);
  });

  it("--json prints exactly the object of spec section 9", async () => {
    const r = await netc("summary", "examples/seed_conv.net", "--json");
    expect(JSON.parse(r.stdout)).toEqual({
      model: "SeedConv",
      params: { total: 456, trainable: 456, non_trainable: 0 },
      macs: 21_780_000,
      input: [[224, 224, 3]],
      output: [[220, 220, 6]],
      memory: {
        param_bytes: 1824,
        // peak at relu: the conv output (still being read) and relu's output, in fp32
        activation_bytes_inference: 4 * (2 * 220 * 220 * 6),
        activation_bytes_training: 4 * (224 * 224 * 3 + 2 * 220 * 220 * 6),
      },
      layers: [
        { name: "image", op: "input", output: [224, 224, 3], params: 0, macs: 0, line: 3 },
        { name: "conv_0", op: "conv", output: [220, 220, 6], params: 456, macs: 21_780_000, line: 4 },
        { name: "relu_0", op: "relu", output: [220, 220, 6], params: 0, macs: 0, line: 5 },
      ],
    });
  });

  it("needs --model when a file has several models, and rejects an unknown one (exit 2)", async () => {
    expect((await netc("summary", two)).code).toBe(2);
    expect((await netc("summary", two, "--model", "C")).stderr).toContain("has no model 'C'");
    const b = await netc("summary", two, "--model", "B", "--json");
    expect(b.code).toBe(0);
    expect(JSON.parse(b.stdout).params.total).toBe(9);
  });

  it("applies --param and reports an unknown one as an error (exit 1)", async () => {
    const r = await netc("summary", "examples/mobilenet_v1.net", "--param", "alpha=0.5", "--param", "classes=10", "--json");
    expect(JSON.parse(r.stdout).output).toEqual([[10]]);
    const unknown = await netc("summary", "examples/mobilenet_v1.net", "--param", "alpah=0.5");
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain(
      "error NET2014: --param alpah: model MobileNetV1 has no parameter 'alpah' (its parameters are alpha, classes); did you mean 'alpha'?",
    );
    expect((await netc("summary", "examples/mobilenet_v1.net", "--param", "alpha")).code).toBe(2);
  });

  it("exits 1 with the errors when the model does not check", async () => {
    const r = await netc("summary", bad);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("error NET3001");
  });
});
