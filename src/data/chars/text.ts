// `--data text:FILE`: any UTF-8 text, one token per character (Unicode code point). The
// vocabulary is every distinct character of the file, sorted by code point; the last 10% of the
// characters are held out for validation.
import { readFileSync } from "node:fs";
import { DataError } from "../data-error.ts";
import type { CharCorpus } from "./corpus.ts";
import { encode, showChar } from "./vocabulary.ts";

const TRAIN_FRACTION = 0.9;

export function loadTextCorpus(path: string): CharCorpus {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new DataError(`${path}: cannot read: ${(error as Error).message}`);
  }
  return textCorpus(bytes, path);
}

export function textCorpus(bytes: Uint8Array, name: string): CharCorpus {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new DataError(`${name}: not UTF-8 text (at byte ${firstInvalidByte(bytes)}); save it as UTF-8`);
  }
  if (text.startsWith("\uFEFF")) text = text.slice(1);
  if (text.length === 0) throw new DataError(`${name} is empty; a character model needs text to learn from`);
  const chars = [...new Set(text)].sort((a, b) => a.codePointAt(0)! - b.codePointAt(0)!);
  if (chars.length === 1)
    throw new DataError(
      `${name} has only one distinct character (${showChar(chars[0])}); there is nothing to predict — use a text with at least two`,
    );
  const { ids } = encode(text, chars);
  const cut = Math.floor(ids.length * TRAIN_FRACTION);
  return {
    name,
    vocabulary: { chars, corpus: `text:${name}` },
    train: ids.subarray(0, cut),
    validation: ids.subarray(cut),
  };
}

/** Offset of the first byte that does not decode (prefixes that decode are monotone, so bisect). */
function firstInvalidByte(bytes: Uint8Array): number {
  const decodes = (n: number): boolean => {
    try {
      // `stream` holds back a character cut off by the prefix's end instead of failing on it.
      new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(0, n), { stream: true });
      return true;
    } catch {
      return false;
    }
  };
  let lo = 0;
  let hi = bytes.length;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (decodes(mid)) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
