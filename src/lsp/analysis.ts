// One analysed snapshot of a document: parse, check and name binding of one exact version.
// Features read only from a snapshot, so every answer is consistent with one text.
import { check, type CheckResult } from "../check/index.ts";
import type { Diagnostic } from "../diagnostics/diagnostic.ts";
import type { Program } from "../syntax/ast.ts";
import { parse } from "../syntax/parse.ts";
import { LineIndex } from "./line-index.ts";
import { SymbolIndex } from "./symbol-index.ts";

export interface Analysis {
  readonly version: number;
  readonly text: string;
  readonly lines: LineIndex;
  readonly program: Program;
  /** Syntax, check and lint diagnostics, sorted by position. */
  readonly diagnostics: readonly Diagnostic[];
  readonly symbols: SymbolIndex;
  /** Absent when checking failed or was given up (`failure` says why); the parse-level
   * features (navigation, outline, completion) still work. */
  readonly checked?: CheckResult;
  readonly failure?: string;
}

/** What parsing and checking produce (in the analysis worker or in process). */
export interface AnalysisParts {
  readonly program: Program;
  readonly parseDiagnostics: readonly Diagnostic[];
  readonly checked?: CheckResult;
}

const emptyProgram = (text: string): Program => ({
  kind: "Program",
  items: [],
  comments: [],
  span: { start: 0, end: text.length },
});

/** Syntax, check and lint diagnostics together, sorted by position. */
export function allDiagnostics(parts: AnalysisParts): Diagnostic[] {
  const diagnostics = [...parts.parseDiagnostics, ...(parts.checked?.diagnostics ?? [])];
  return diagnostics.sort((a, b) => a.span.start - b.span.start || a.span.end - b.span.end);
}

export function fromParts(text: string, version: number, parts: AnalysisParts, failure?: string): Analysis {
  const diagnostics = allDiagnostics(parts);
  return {
    version,
    text,
    lines: new LineIndex(text),
    program: parts.program,
    diagnostics,
    symbols: new SymbolIndex(parts.program),
    ...(parts.checked ? { checked: parts.checked } : {}),
    ...(failure !== undefined ? { failure } : {}),
  };
}

/** Parse only: the fallback when checking fails or takes too long. Parsing throwing (a bug,
 * e.g. a stack overflow on absurd nesting) leaves an empty program. */
export function parseOnly(text: string, version: number, failure: string): Analysis {
  try {
    const parsed = parse(text);
    return fromParts(text, version, { program: parsed.program, parseDiagnostics: parsed.diagnostics }, failure);
  } catch (error) {
    return fromParts(
      text,
      version,
      { program: emptyProgram(text), parseDiagnostics: [] },
      `${failure}; parsing failed too: ${describe(error)}`,
    );
  }
}

/** Parse and check in this thread (tests and the fallback path). */
export function analyze(text: string, version: number): Analysis {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(text);
  } catch (error) {
    return fromParts(
      text,
      version,
      { program: emptyProgram(text), parseDiagnostics: [] },
      `parsing failed: ${describe(error)}`,
    );
  }
  try {
    return fromParts(text, version, {
      program: parsed.program,
      parseDiagnostics: parsed.diagnostics,
      checked: check(parsed.program),
    });
  } catch (error) {
    return fromParts(
      text,
      version,
      { program: parsed.program, parseDiagnostics: parsed.diagnostics },
      `checking failed: ${describe(error)}`,
    );
  }
}

export function describe(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}
