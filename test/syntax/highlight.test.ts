// The TextMate grammar, checked headless by vscode-tmgrammar-test against the scope
// assertions in test/syntax/*.net.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const root = new URL("../../", import.meta.url).pathname;
const tool = join(root, "node_modules/.bin/vscode-tmgrammar-test");
const grammar = join(root, "grammar/netc.tmLanguage.json");

function runTool(pattern: string) {
  return spawnSync(tool, ["--compact", "-g", grammar, pattern], { cwd: root, encoding: "utf8" });
}

describe("TextMate grammar", () => {
  it("gives every token of test/syntax/*.net its asserted scope", () => {
    const result = runTool("test/syntax/*.net");
    expect(result.stdout + result.stderr).not.toMatch(/ERROR/);
    expect(result.status).toBe(0);
  });

  it("fails on a wrong assertion (the check is real)", () => {
    const dir = mkdtempSync(join(tmpdir(), "netc-tm-"));
    const file = join(dir, "wrong.net");
    writeFileSync(file, '// SYNTAX TEST "source.netc"\nmodel M { relu }\n// <----- keyword.control.netc\n');
    const result = runTool(file);
    expect(result.status).not.toBe(0);
    expect(result.stdout).toContain("Missing required scopes: [ keyword.control.netc ]");
  });

  it("is valid JSON with the netc scope", () => {
    const parsed = JSON.parse(readFileSync(grammar, "utf8")) as { scopeName: string; fileTypes: string[] };
    expect(parsed.scopeName).toBe("source.netc");
    expect(parsed.fileTypes).toEqual(["net"]);
  });
});
