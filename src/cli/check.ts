// `netc check FILE...`: parse, check and lint; diagnostics on stdout as
// `file:line:col: severity CODE: message` with the source line and carets, or `--format json`.
// Also the shared front end of the commands that read a model (`checkFile`, `--param`).
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import { check, type CheckResult, type ParamValue } from "../check/index.ts";
import type { Diagnostic } from "../diagnostics/diagnostic.ts";
import { diagnosticToJson, LineMap, renderDiagnostics } from "../diagnostics/render.ts";
import { parse } from "../syntax/parse.ts";
import { CliError, fileError, formatError, InputError, UsageError } from "./errors.ts";
import { paletteFor } from "./style.ts";

export { UsageError } from "./errors.ts";

export interface CheckedFile {
  readonly file: string;
  readonly text: string;
  /** Syntax and check diagnostics together, by position. */
  readonly diagnostics: readonly Diagnostic[];
  readonly result: CheckResult;
}

/**
 * The text of a .net file. A file that cannot be opened, or that is not UTF-8 text (NUL bytes, invalid UTF-8: an image, a weights file given by mistake) an input
 * is an input error (exit code 1), reported once instead of as hundreds of lexer errors.
 */
export function readSource(file: string): string {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    throw fileError(e, file, "read");
  }
  const notText = `${file} is not a text file`;
  if (bytes.includes(0)) throw new InputError(`${notText} (it contains NUL bytes); give a .net model file`);
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new InputError(`${notText} (it is not valid UTF-8); give a .net model file saved as UTF-8`);
  }
}

/** Whether a file holds nothing but white space (0 bytes included). */
export function isBlank(text: string): boolean {
  return text.trim() === "";
}

export function checkFile(file: string, options: { model?: string; params?: Record<string, ParamValue> } = {}): CheckedFile {
  const text = readSource(file);
  const parsed = parse(text);
  const result = check(parsed.program, options);
  const diagnostics = [...parsed.diagnostics, ...result.diagnostics].sort(
    (a, b) => a.span.start - b.span.start || a.span.end - b.span.end,
  );
  return { file, text, diagnostics, result };
}

/** The files to check: files as given, folders expanded to the .net files inside (sorted,
 * recursively, skipping hidden folders and node_modules). */
export function expandFiles(paths: readonly string[]): { files: string[]; errors: CliError[] } {
  const files: string[] = [];
  const errors: CliError[] = [];
  for (const path of paths) {
    let isDirectory = false;
    try {
      isDirectory = statSync(path).isDirectory();
    } catch (e) {
      errors.push(fileError(e, path, "read"));
      continue;
    }
    if (!isDirectory) {
      files.push(path);
      continue;
    }
    const found = netFilesIn(path);
    if (found.length === 0) errors.push(new InputError(`${path} is a folder with no .net files in it`));
    files.push(...found);
  }
  return { files, errors };
}

function netFilesIn(dir: string): string[] {
  const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1));
  return entries.flatMap((e) => {
    if (e.name.startsWith(".") || e.name === "node_modules") return [];
    const path = join(dir, e.name);
    if (e.isDirectory()) return netFilesIn(path);
    return e.isFile() && e.name.endsWith(".net") ? [path] : [];
  });
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === "error");
}

/** `--param k=v`, repeatable: numbers and true/false are typed, anything else is a word. */
export function collectParam(raw: string, previous: Record<string, ParamValue> = {}): Record<string, ParamValue> {
  const eq = raw.indexOf("=");
  if (eq <= 0) throw new UsageError(`--param expects name=value, got '${raw}'`);
  const name = raw.slice(0, eq).trim();
  const text = raw.slice(eq + 1).trim();
  const value: ParamValue =
    text === "true" ? true : text === "false" ? false : text !== "" && Number.isFinite(Number(text)) ? Number(text) : text;
  return { ...previous, [name]: value };
}

/** Checks every file (and every .net file in every folder): a file that cannot be read is
 * reported and the others are still checked. Exit code 1 when a file has errors or cannot be
 * read, else 0. */
export function runCheck(paths: readonly string[], format: "text" | "json"): number {
  const { files, errors } = expandFiles(paths);
  const checked: CheckedFile[] = [];
  for (const file of files) {
    try {
      checked.push(checkFile(file));
    } catch (e) {
      if (!(e instanceof CliError)) throw e;
      errors.push(e);
    }
  }
  const colors = paletteFor(process.stdout);
  for (const e of errors) process.stderr.write(formatError(e, paletteFor(process.stderr)));
  const blank = checked.filter((c) => isBlank(c.text));
  if (format === "json") {
    const all = checked.flatMap((c) => {
      const lines = new LineMap(c.text);
      return c.diagnostics.map((d) => diagnosticToJson(c.file, lines, d));
    });
    process.stdout.write(JSON.stringify(all, null, 2) + "\n");
  } else {
    for (const c of checked) process.stdout.write(renderDiagnostics(c.file, c.text, c.diagnostics, { colors }));
    for (const c of blank) process.stdout.write(`${colors.cyan(c.file)}: ${colors.yellow("warning")}: empty file, nothing to check\n`);
    const count = (severity: string) =>
      checked.reduce((n, c) => n + c.diagnostics.filter((d) => d.severity === severity).length, 0);
    const problems = count("error");
    const warnings = count("warning") + blank.length;
    if (problems + warnings > 0) process.stdout.write(`${plural(problems, "error")}, ${plural(warnings, "warning")}\n`);
  }
  const exitCodes = [0, ...errors.map((e) => e.exitCode), ...checked.map((c) => (hasErrors(c.diagnostics) ? 1 : 0))];
  return Math.max(...exitCodes);
}

/** `1 error`, `2 errors`, `1,024 samples`. */
export function plural(n: number, noun: string): string {
  return `${n.toLocaleString("en-US")} ${noun}${n === 1 ? "" : "s"}`;
}

export function registerCheck(program: Command): void {
  program
    .command("check")
    .description("parse, check and lint model files")
    .argument("<paths...>", ".net files or folders (every .net file inside)")
    .option("--format <format>", "text or json", "text")
    .action((files: string[], opts: { format: string }) => {
      if (opts.format !== "text" && opts.format !== "json")
        throw new UsageError(`--format must be text or json, got '${opts.format}'`);
      process.exitCode = runCheck(files, opts.format);
    });
}
