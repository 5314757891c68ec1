// `netc fmt PATH... [--check]`: format files (folders: every .net file inside) in place with the
// Prettier plugin, or with --check only list the files that would change. Exit code: 0 all
// fine; 1 (--check) some file would change, or a file has syntax errors (it is left untouched
// and its errors are shown), cannot be read or is not text; 2 a usage error.
import type { Command } from "commander";
import { formatSource, SyntaxErrorsError } from "../format/index.ts";
import { renderDiagnostics } from "../diagnostics/render.ts";
import { writeFileAtomic } from "../io/atomic-write.ts";
import { expandFiles, readSource } from "./check.ts";
import { formatError, InputError, toCliError } from "./errors.ts";
import { paletteFor } from "./style.ts";

const WOULD_CHANGE = 1;

export async function runFmt(paths: string[], opts: { check: boolean }): Promise<number> {
  const { files, errors } = expandFiles(paths);
  let exitCode = Math.max(0, ...errors.map((e) => e.exitCode));
  for (const e of errors) process.stderr.write(formatError(e, paletteFor(process.stderr)));
  for (const file of files) {
    try {
      exitCode = Math.max(exitCode, await formatFile(file, opts.check));
    } catch (error) {
      const e = toCliError(error);
      process.stderr.write(formatError(e, paletteFor(process.stderr)));
      exitCode = Math.max(exitCode, e.exitCode);
    }
  }
  return exitCode;
}

async function formatFile(file: string, check: boolean): Promise<number> {
  const text = readSource(file);
  let formatted: string;
  try {
    formatted = await formatSource(text);
  } catch (e) {
    if (!(e instanceof SyntaxErrorsError)) throw e;
    const colors = paletteFor(process.stderr);
    const shown = renderDiagnostics(file, text, e.diagnostics, { colors }).trimEnd();
    throw new InputError(`${shown}\n  not formatted: fix the syntax errors first`, { diagnostics: true });
  }
  if (formatted === text) return 0;
  if (check) {
    process.stdout.write(`${file}\n`);
    return WOULD_CHANGE;
  }
  writeFileAtomic(file, [new TextEncoder().encode(formatted)]);
  process.stdout.write(`formatted ${file}\n`);
  return 0;
}

export function registerFmt(program: Command): void {
  program
    .command("fmt")
    .description("format model files (the Prettier plugin); --check lists the files that would change")
    .argument("<paths...>", ".net files or folders (every .net file inside)")
    .option("--check", "do not write; exit 1 when a file would change", false)
    .action(async (files: string[], opts: { check: boolean }) => {
      process.exitCode = await runFmt(files, { check: opts.check });
    });
}

