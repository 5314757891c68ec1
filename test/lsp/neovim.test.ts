// docs/editors.md's Neovim 0.7 setup, run as written in a headless Neovim (Debian 12 ships
// 0.7.2): the `.net` buffer gets the netc filetype, the server starts, and its diagnostics
// arrive in vim.diagnostic. `.ci/run` installs Debian's neovim where `nvim` is missing.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot } from "./lsp-client.ts";

const nvim = spawnSync("nvim", ["--version"], { encoding: "utf8" });
const version = nvim.status === 0 ? /NVIM v(\S+)/.exec(nvim.stdout)?.[1] : undefined;

/** The Lua block that follows the "Neovim 0.7" paragraph of docs/editors.md. */
function setupFor07(): string {
  const doc = readFileSync(join(repoRoot, "docs/editors.md"), "utf8");
  const from = doc.indexOf("Neovim 0.7 (");
  const block = /```lua\n([\s\S]*?)```/.exec(doc.slice(from));
  if (from < 0 || !block) throw new Error("docs/editors.md has no Neovim 0.7 setup");
  return block[1]!;
}

describe(`Neovim ${version ?? "(not installed)"}`, () => {
  it("is installed", () => {
    expect(version, "nvim --version failed: install Neovim (Debian: apt-get install neovim)").toBeDefined();
  });

  it("docs/editors.md's 0.7 setup attaches the server and shows its diagnostics", () => {
    const dir = mkdtempSync(join(tmpdir(), "netc-nvim-"));
    const setup = setupFor07();
    expect(setup).toContain('cmd = { "netc", "lsp", "--stdio" }');
    // `netc` as installed: the repository's bin, through node.
    const init = setup.replace('cmd = { "netc", "lsp", "--stdio" }', `cmd = { "${process.execPath}", "${join(repoRoot, "bin/netc.js")}", "lsp", "--stdio" }`);
    writeFileSync(join(dir, "init.lua"), init);
    writeFileSync(join(dir, "bad.net"), "model M {\n  input x: [4]\n  rleu\n}\n");
    writeFileSync(
      join(dir, "probe.lua"),
      `local ok = vim.wait(60000, function() return #vim.diagnostic.get(0) > 0 end, 50)
local lines = { "filetype=" .. vim.bo.filetype, "ok=" .. tostring(ok) }
for _, d in ipairs(vim.diagnostic.get(0)) do
  table.insert(lines, string.format("%d:%d %s %s", d.lnum + 1, d.col + 1, tostring(d.code), d.message))
end
vim.fn.writefile(lines, "out.txt")
vim.cmd("qa!")
`,
    );
    const run = spawnSync("nvim", ["--headless", "-u", "init.lua", "bad.net", "-c", "luafile probe.lua"], {
      cwd: dir,
      encoding: "utf8",
      timeout: 90_000,
    });
    expect(run.status, run.stderr).toBe(0);
    expect(readFileSync(join(dir, "out.txt"), "utf8").split("\n")).toEqual([
      "filetype=netc",
      "ok=true",
      "3:3 NET2001 unknown op or block 'rleu'; did you mean 'relu'?",
      "",
    ]);
  }, 120_000);
});
