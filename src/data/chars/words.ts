// `--data words`: the English word list of the npm package `an-array-of-english-words`, lower-case
// a–z words only, split 90/10 by word in one fixed pseudo-random order (a seeded Fisher–Yates
// shuffle, independent of the train section's seed, so every run and the bigram baseline see the
// same split). Each part is the text `.word.word.….` in that order: the boundary `.` precedes and
// follows every word.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { Rng } from "../../runtime/rng.ts";
import { DataError } from "../data-error.ts";
import { shuffledOrder } from "../shuffle.ts";
import type { CharCorpus } from "./corpus.ts";
import { WORDS_VOCABULARY } from "./vocabulary.ts";

const WORDS_PACKAGE = "an-array-of-english-words";
const WORDS_ORDER_SEED = 20261207;
const TRAIN_FRACTION = 0.9;
const A = "a".charCodeAt(0);

let cached: CharCorpus | undefined;

/** The package's words (read once per process); a clear error when the package is missing. */
export function englishWords(): string[] {
  const require = createRequire(import.meta.url);
  let path: string;
  try {
    path = require.resolve(`${WORDS_PACKAGE}/index.json`);
  } catch {
    throw new DataError(
      `--data words needs the npm package ${WORDS_PACKAGE}, which is not installed; run \`npm install ${WORDS_PACKAGE}@2.0.0\``,
    );
  }
  const words = JSON.parse(readFileSync(path, "utf8")) as unknown;
  if (!Array.isArray(words)) throw new DataError(`${path} is not a list of words; reinstall ${WORDS_PACKAGE}`);
  return words.filter((w): w is string => typeof w === "string" && /^[a-z]+$/.test(w));
}

export function loadWords(): CharCorpus {
  cached ??= readWords();
  return cached;
}

/** Split words in the fixed order: the first 90% train, the rest validation. */
export function splitWords(words: readonly string[]): { train: string[]; validation: string[] } {
  const order = shuffledOrder(words.length, new Rng(WORDS_ORDER_SEED));
  const shuffled = Array.from(order, (i) => words[i]);
  const cut = Math.floor(words.length * TRAIN_FRACTION);
  return { train: shuffled.slice(0, cut), validation: shuffled.slice(cut) };
}

/** `.w1.w2.….` as token ids (0 = `.`, 1–26 = a–z). */
export function encodeWords(words: readonly string[]): Int32Array {
  const ids = new Int32Array(words.reduce((n, w) => n + w.length + 1, 1));
  let k = 1;
  for (const w of words) {
    for (let i = 0; i < w.length; i++) ids[k++] = w.charCodeAt(i) - A + 1;
    ids[k++] = 0;
  }
  return ids;
}

function readWords(): CharCorpus {
  const { train, validation } = splitWords(englishWords());
  return {
    name: "words",
    vocabulary: { chars: WORDS_VOCABULARY, corpus: "words" },
    train: encodeWords(train),
    validation: encodeWords(validation),
  };
}
