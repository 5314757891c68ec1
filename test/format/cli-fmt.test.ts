import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { runFmt } from "../../src/cli/fmt.ts";

let dir: string;
let stdout: string;
let stderr: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "netc-fmt-"));
  stdout = "";
  stderr = "";
  vi.spyOn(process.stdout, "write").mockImplementation((chunk) => ((stdout += String(chunk)), true));
  vi.spyOn(process.stderr, "write").mockImplementation((chunk) => ((stderr += String(chunk)), true));
});
afterEach(() => vi.restoreAllMocks());

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const messy = "model M{relu;conv(6,5x5)}\n";
const tidy = "model M {\n  relu\n  conv(6, 5x5)\n}\n";

describe("runFmt", () => {
  it("formats files in place and leaves formatted ones alone", async () => {
    const a = file("a.net", messy);
    const b = file("b.net", tidy);
    expect(await runFmt([a, b], { check: false })).toBe(0);
    expect(readFileSync(a, "utf8")).toBe(tidy);
    expect(readFileSync(b, "utf8")).toBe(tidy);
    expect(stdout).toBe(`formatted ${a}\n`);
  });

  it("--check lists the files that would change, writes nothing, exits 1", async () => {
    const a = file("a.net", messy);
    const b = file("b.net", tidy);
    expect(await runFmt([a, b], { check: true })).toBe(1);
    expect(stdout).toBe(`${a}\n`);
    expect(readFileSync(a, "utf8")).toBe(messy);
    expect(await runFmt([b], { check: true })).toBe(0);
  });

  it("exits 1 on a syntax error, shows it and leaves the file untouched", async () => {
    const broken = "model M {\n  conv(6, 5x5\n  relu\n}\n";
    const bad = file("bad.net", broken);
    const good = file("good.net", messy);
    expect(await runFmt([bad, good], { check: false })).toBe(1);
    expect(readFileSync(bad, "utf8")).toBe(broken);
    expect(readFileSync(good, "utf8")).toBe(tidy);
    expect(stderr).toContain(`${bad}:2:14: error NET1010: expected ')' to close the argument list of conv`);
    expect(stderr).toContain("not formatted");
  });

  it("exits 1 on an unreadable file", async () => {
    const missing = join(dir, "missing.net");
    expect(await runFmt([missing], { check: true })).toBe(1);
    expect(stderr).toContain(`cannot read ${missing}`);
  });

  it("the shipped examples are in the formatter's style (`netc fmt --check examples/`)", async () => {
    const examples = join(import.meta.dirname, "../../examples");
    expect(await runFmt([examples], { check: true }), stdout).toBe(0);
    expect(stdout).toBe("");
  });
});
