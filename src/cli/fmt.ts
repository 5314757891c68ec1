// `netc fmt FILE... [--check]`: format files in place with the Prettier plugin, or with
// --check only list the files that would change. Exit code: 0 all fine; 1 (--check) some file
// would change; 2 some file could not be read or written, or has syntax errors (it is left
// untouched and its errors are shown).
import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { formatSource, SyntaxErrorsError } from "../format/index.ts";
import { renderDiagnostics } from "../diagnostics/render.ts";
import { writeFileAtomic } from "../io/atomic-write.ts";

const WOULD_CHANGE = 1;
const FAILED = 2;

export async function runFmt(files: string[], opts: { check: boolean }): Promise<number> {
  let exitCode = 0;
  for (const file of files) exitCode = Math.max(exitCode, await formatFile(file, opts.check));
  return exitCode;
}

async function formatFile(file: string, check: boolean): Promise<number> {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    process.stderr.write(`netc fmt: cannot read ${file}: ${(e as Error).message}\n`);
    return FAILED;
  }
  let formatted: string;
  try {
    formatted = await formatSource(text);
  } catch (e) {
    if (!(e instanceof SyntaxErrorsError)) throw e;
    process.stderr.write(renderDiagnostics(file, text, e.diagnostics));
    process.stderr.write(`netc fmt: ${file} not formatted: fix its syntax errors first\n`);
    return FAILED;
  }
  if (formatted === text) return 0;
  if (check) {
    process.stdout.write(`${file}\n`);
    return WOULD_CHANGE;
  }
  try {
    writeFileAtomic(file, [new TextEncoder().encode(formatted)]);
  } catch (e) {
    process.stderr.write(`netc fmt: cannot write ${file}: ${(e as Error).message}\n`);
    return FAILED;
  }
  process.stdout.write(`formatted ${file}\n`);
  return 0;
}

export function registerFmt(program: Command): void {
  program
    .command("fmt")
    .description("format model files (the Prettier plugin); --check lists the files that would change")
    .argument("<files...>", ".net files")
    .option("--check", "do not write; exit 1 when a file would change", false)
    .action(async (files: string[], opts: { check: boolean }) => {
      process.exitCode = await runFmt(files, { check: opts.check });
    });
}
