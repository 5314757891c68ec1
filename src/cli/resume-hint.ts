// The command that continues an interrupted `netc train`, complete (every option that shaped
// the run) and quoted for a POSIX shell, so it can be pasted as printed.
import type { ParamValue } from "../check/index.ts";

/** A word as a POSIX shell reads it back: bare when safe, else in single quotes. */
export function shellQuote(word: string): string {
  if (/^[A-Za-z0-9_\-.,/:=@%+]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

export interface ResumeOptions {
  readonly model?: string;
  readonly params: Record<string, ParamValue>;
  readonly data: string;
  readonly batch?: number;
  /** A resumed run equals an uninterrupted one on the same thread count. */
  readonly threads?: number;
  readonly json: boolean;
}

export function resumeCommand(
  file: string,
  opts: ResumeOptions,
  run: { readonly out: string; readonly checkpoint: string; readonly epochs: number },
): string {
  const words = ["netc", "train", file];
  if (opts.model !== undefined) words.push("--model", opts.model);
  for (const [name, value] of Object.entries(opts.params)) words.push("--param", `${name}=${String(value)}`);
  words.push("--data", opts.data, "--epochs", String(run.epochs));
  if (opts.batch !== undefined) words.push("--batch", String(opts.batch));
  if (opts.threads !== undefined) words.push("--threads", String(opts.threads));
  words.push("--resume", run.checkpoint, "--out", run.out);
  if (opts.json) words.push("--json");
  return words.map(shellQuote).join(" ");
}
