// Option values checked as commander parses them, so a bad value is a usage error (exit 2)
// before anything runs: `--batch 0`, `-5`, `abc`, `1.5`, `1e400` are all refused.
import { accessSync, constants, existsSync, mkdirSync, statSync } from "node:fs";
import { dirname } from "node:path";
import { FileAccessError } from "../io/fs-errors.ts";
import { BUNDLED_DATASETS } from "../data/load-data.ts";
import { fileError, InputError, UsageError } from "./errors.ts";

/** A whole number in [min, max], written as digits (no exponent, sign or fraction). */
export function integerOption(flag: string, min: number, max: number): (raw: string) => number {
  return (raw) => {
    const text = raw.trim();
    const n = /^\d+$/.test(text) ? Number(text) : Number.NaN;
    if (!Number.isSafeInteger(n) || n < min || n > max) {
      const range = max === Number.MAX_SAFE_INTEGER ? `at least ${min}` : `from ${min} to ${max.toLocaleString("en-US")}`;
      throw new UsageError(`${flag} expects a whole number ${range}, got '${raw}'`);
    }
    return n;
  };
}

/** The most samples per step any command accepts (buffers grow with it). */
export const MAX_BATCH = 65_536;

/** `--data`: a bundled dataset name, `text:FILE` or `x.npy,y.npy` (spaces after the comma are fine). */
export function dataOption(raw: string): string {
  const spec = raw.trim();
  if ((BUNDLED_DATASETS as readonly string[]).includes(spec)) return spec;
  if (spec.startsWith("text:") && spec.length > "text:".length) return spec;
  const files = spec.split(",").map((f) => f.trim());
  if (files.length === 2 && files.every((f) => f !== "")) return files.join(",");
  throw new UsageError(
    `--data '${raw}' is neither a bundled dataset (${BUNDLED_DATASETS.join(", ")}), text:FILE nor a pair of NumPy files x.npy,y.npy`,
  );
}

/**
 * An output file named on the command line, checked before any long run: refused when it is a
 * folder or when its folder cannot be created or written (exit code 1). Creates the missing
 * folders.
 */
export function prepareOutputFile(path: string, flag: string): void {
  if (existsSync(path) && statSync(path).isDirectory())
    throw new InputError(`${flag} ${path}: it is a folder; give a file name inside it, e.g. ${path.replace(/\/$/, "")}/out`);
  prepareOutputFolder(dirname(path), path);
}

/** Creates the folder (and those above it) and checks that files can be written in it; a
 * failure names `target` (the file to be written, or the folder itself). */
export function prepareOutputFolder(dir: string, target = dir): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (error) {
    throw fileError(new FileAccessError(error, dir, "create folder"), dir, "create folder");
  }
  try {
    accessSync(dir, constants.W_OK);
  } catch (error) {
    throw fileError(new FileAccessError(error, target, "write"), target, "write");
  }
}
