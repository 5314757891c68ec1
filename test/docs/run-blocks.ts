// Runs the code blocks of the documentation that claim to be runnable:
//   ```console  lines `$ netc ARGS...` followed by the output they print; a line `...` stands
//               for any number of lines left out. netc runs from a scratch directory that sees
//               the repository's examples/ and docs/, so relative paths in the docs work and
//               files a command writes land in the scratch directory.
//   ```ts       (README.md only) a program importing "netc"; it runs through tsx against the
//               sources, and every `// → value` comment names a line it must print, in order.
import { execFile } from "node:child_process";
import { mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { codeBlocks, read, root } from "./markdown.ts";

export interface ConsoleCommand {
  readonly file: string;
  /** 1-based line of the `$ ` line. */
  readonly line: number;
  readonly args: readonly string[];
  readonly expected: string;
}

export interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Every `$ netc ...` command of the console blocks of `file`, with the output shown after it. */
export function consoleCommands(file: string): ConsoleCommand[] {
  const commands: ConsoleCommand[] = [];
  for (const block of codeBlocks(read(file))) {
    if (block.info !== "console") continue;
    let current: { line: number; args: string[]; out: string[] } | undefined;
    const flush = () => {
      if (current) commands.push({ file, line: current.line, args: current.args, expected: current.out.join("\n") });
    };
    block.text.split("\n").forEach((text, i) => {
      if (!text.startsWith("$ ")) {
        if (!current) throw new Error(`${file}:${block.line + 1 + i}: a console block must start with a '$ netc ...' line`);
        current.out.push(text);
        return;
      }
      flush();
      const words = text.slice(2).trim().split(/\s+/);
      if (words[0] !== "netc" || words.some((w) => /["'`$|&;<>*?\\]/.test(w)))
        throw new Error(`${file}:${block.line + 1 + i}: only plain 'netc ...' commands can be run, got '${text}'`);
      current = { line: block.line + 1 + i, args: words.slice(1), out: [] };
    });
    flush();
  }
  return commands;
}

/** Whether `actual` is `expected` with each `...` line standing for zero or more lines. */
export function matchesWithElision(actual: string, expected: string): boolean {
  const lines = (s: string) => s.replace(/\n$/, "").split("\n").map((l) => l.trimEnd());
  const got = lines(actual);
  const want = lines(expected);
  const chunks: string[][] = [[]];
  for (const line of want) {
    if (line === "...") chunks.push([]);
    else chunks[chunks.length - 1]!.push(line);
  }
  const at = (chunk: string[], i: number) => chunk.every((l, k) => got[i + k] === l);
  let pos = 0;
  for (let c = 0; c < chunks.length; c++) {
    const chunk = chunks[c]!;
    const first = c === 0;
    const last = c === chunks.length - 1;
    if (first && last) return chunk.length === got.length && at(chunk, 0);
    if (first) {
      if (!at(chunk, 0)) return false;
      pos = chunk.length;
    } else if (last) {
      const start = got.length - chunk.length;
      return start >= pos && at(chunk, start);
    } else {
      let i = pos;
      while (i + chunk.length <= got.length && !at(chunk, i)) i++;
      if (i + chunk.length > got.length) return false;
      pos = i + chunk.length;
    }
  }
  return true;
}

/** A scratch directory that sees the repository's examples/ and docs/. */
export function scratchDirectory(): string {
  const dir = mkdtempSync(join(tmpdir(), "netc-docs-"));
  for (const name of ["examples", "docs"]) symlinkSync(join(root, name), join(dir, name), "dir");
  return dir;
}

function run(command: string, args: readonly string[], cwd: string): Promise<Run> {
  return new Promise((resolve) => {
    execFile(command, [...args], { cwd, encoding: "utf8", maxBuffer: 16 << 20 }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
  });
}

export function runNetc(args: readonly string[], cwd: string): Promise<Run> {
  return run(process.execPath, [join(root, "bin/netc.js"), ...args], cwd);
}

/** Runs a TypeScript example with `from "netc"` pointing at the sources. */
export function runTypeScript(source: string, cwd: string, name: string): Promise<Run> {
  const entry = join(root, "src/index.ts");
  const program = source.replace(/from\s+"netc"/g, `from ${JSON.stringify(entry)}`);
  const path = join(cwd, `${name}.mts`);
  writeFileSync(path, program);
  const tsx = createRequire(import.meta.url).resolve("tsx/cli");
  return run(process.execPath, [tsx, path], cwd);
}

/** The values of the `// → value` comments of a program, in order. */
export function expectedPrints(source: string): string[] {
  return [...source.matchAll(/\/\/\s*→\s*(.+?)\s*$/gm)].map((m) => m[1]!);
}
