// `netc check FILE...`: parse, check and lint; diagnostics on stdout as
// `file:line:col: severity CODE: message` with the source line and carets, or `--format json`.
// Also the shared front end of the commands that read a model (`checkFile`, `--param`).
import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { check, type CheckResult, type ParamValue } from "../check/index.ts";
import type { Diagnostic } from "../diagnostics/diagnostic.ts";
import { diagnosticToJson, LineMap, renderDiagnostics } from "../diagnostics/render.ts";
import { parse } from "../syntax/parse.ts";

export interface CheckedFile {
  readonly file: string;
  readonly text: string;
  /** Syntax and check diagnostics together, by position. */
  readonly diagnostics: readonly Diagnostic[];
  readonly result: CheckResult;
}

/** Thrown for usage errors (exit code 2): a missing file, a malformed --param. */
export class UsageError extends Error {}

export function checkFile(file: string, options: { model?: string; params?: Record<string, ParamValue> } = {}): CheckedFile {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new UsageError(
      `cannot read ${file}: ${(e as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (e as Error).message}`,
    );
  }
  const parsed = parse(text);
  const result = check(parsed.program, options);
  const diagnostics = [...parsed.diagnostics, ...result.diagnostics].sort(
    (a, b) => a.span.start - b.span.start || a.span.end - b.span.end,
  );
  return { file, text, diagnostics, result };
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

export function runCheck(files: readonly string[], format: "text" | "json"): number {
  const checked = files.map((file) => checkFile(file));
  if (format === "json") {
    const all = checked.flatMap((c) => {
      const lines = new LineMap(c.text);
      return c.diagnostics.map((d) => diagnosticToJson(c.file, lines, d));
    });
    process.stdout.write(JSON.stringify(all, null, 2) + "\n");
  } else {
    for (const c of checked) process.stdout.write(renderDiagnostics(c.file, c.text, c.diagnostics));
    const counts = (severity: string) =>
      checked.reduce((n, c) => n + c.diagnostics.filter((d) => d.severity === severity).length, 0);
    const errors = counts("error");
    const warnings = counts("warning");
    if (errors + warnings > 0)
      process.stdout.write(`${errors} error${errors === 1 ? "" : "s"}, ${warnings} warning${warnings === 1 ? "" : "s"}\n`);
  }
  return checked.some((c) => hasErrors(c.diagnostics)) ? 1 : 0;
}

export function registerCheck(program: Command): void {
  program
    .command("check")
    .description("parse, check and lint model files")
    .argument("<files...>", ".net files")
    .option("--format <format>", "text or json", "text")
    .action((files: string[], opts: { format: string }) => {
      if (opts.format !== "text" && opts.format !== "json")
        throw new UsageError(`--format must be text or json, got '${opts.format}'`);
      process.exitCode = runCheck(files, opts.format);
    });
}
