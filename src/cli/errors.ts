// The command line's one error type and its one renderer. Every command throws a CliError (or
// an error of the library that means "bad input", see INPUT_ERRORS) and main prints it here:
//   netc: error: <what, where, and the fix>
// or, for problems inside a .net file, the diagnostics as `netc check` prints them. Exit codes:
// 1 for problems in the input (a file that is missing, unreadable or malformed, data, weights,
// an output that cannot be written), 2 for usage errors (the command line itself: an unknown
// option or command, a missing argument, a bad option value). Nothing reaches the user as a
// stack trace.
import { describeFsError, FileAccessError, isErrnoError, type FileAction } from "../io/fs-errors.ts";
import { palette, type Palette } from "./style.ts";

export const INPUT_PROBLEM = 1;
export const USAGE_ERROR = 2;

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: typeof INPUT_PROBLEM | typeof USAGE_ERROR,
    /** The message is rendered diagnostics (`file:line:col: error ...`), printed as is. */
    readonly diagnostics = false,
  ) {
    super(message);
  }
}

/** The command line is wrong (exit code 2): an unknown option, a bad value, a missing argument. */
export class UsageError extends CliError {
  constructor(message: string) {
    super(message, USAGE_ERROR);
  }
}

/** The input is wrong (exit code 1): a file's content, data, weights, an unwritable output. */
export class InputError extends CliError {
  constructor(message: string, options: { diagnostics?: boolean } = {}) {
    super(message, INPUT_PROBLEM, options.diagnostics ?? false);
  }
}

/** A file that cannot be read or written, in words: a problem in the input (exit code 1). */
export function fileError(error: unknown, path: string, action: FileAction): CliError {
  const access = error instanceof FileAccessError ? error : new FileAccessError(error, path, action);
  return new InputError(access.message);
}

/** Library errors whose message already says what is wrong with the user's input. */
const INPUT_ERRORS = new Set(["DataError", "WeightsFileError", "NpyFileError", "TrainingDivergedError", "OnnxExportError"]);

/** Any thrown value as a CliError: known input errors keep their message; a file-system error
 * is described; anything else is a bug in netc, reported in one line. */
export function toCliError(error: unknown): CliError {
  if (error instanceof CliError) return error;
  if (error instanceof FileAccessError) return fileError(error, error.path, error.action);
  if (isErrnoError(error)) {
    const action: FileAction = /open|read|stat|scandir/.test(error.syscall ?? "") ? "read" : "write";
    return fileError(error, error.path ?? "a file", error.syscall === "mkdir" ? "create folder" : action);
  }
  if (error instanceof Error && INPUT_ERRORS.has(error.name)) return new InputError(error.message);
  if (error instanceof RangeError && /call stack/.test(error.message))
    return new InputError("the input is nested too deeply to process");
  if (error instanceof RangeError && /allocat|Memory|Invalid typed array length|Array buffer/i.test(error.message))
    return new InputError(
      `out of memory (${error.message.split("\n")[0]}); use a smaller --batch, fewer samples or a smaller model`,
    );
  const what = error instanceof Error ? error.message : String(error);
  return new InputError(
    `internal error: ${what.split("\n")[0]} (this is a bug in netc; set NETC_DEBUG=1 for details and please report it)`,
  );
}

/** `netc: error: message` (with continuation lines kept), or diagnostics as they are. */
export function formatError(error: CliError, colors: Palette = palette(false)): string {
  const text = error.message.replace(/^error: /, "").trimEnd();
  if (error.diagnostics) return `${text}\n`;
  return `netc: ${colors.red(colors.bold("error:"))} ${text}\n`;
}

/** Prints any thrown value as one error and returns the exit code. */
export function reportError(error: unknown, stream: NodeJS.WritableStream & { isTTY?: boolean }, colors: Palette): number {
  const cliError = toCliError(error);
  stream.write(formatError(cliError, colors));
  if (process.env.NETC_DEBUG && error instanceof Error && !(error instanceof CliError)) stream.write(`${error.stack}\n`);
  return cliError.exitCode;
}
