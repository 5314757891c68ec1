// Character vocabularies: token id ↔ character (a Unicode code point). A model trained on
// characters stores its vocabulary in the weights file's `__metadata__`, so `netc sample` can
// decode what the model writes without the training data.

/** `--data words`: the boundary `.` (id 0) then a–z (ids 1–26). */
export const WORDS_VOCABULARY: readonly string[] = [".", ..."abcdefghijklmnopqrstuvwxyz"];
export const WORD_BOUNDARY = ".";

/** Metadata keys of a character model's weights file. */
export const VOCABULARY_KEY = "vocabulary";
export const CORPUS_KEY = "corpus";

export interface CharVocabulary {
  /** Character of each token id. */
  readonly chars: readonly string[];
  /** Where the vocabulary came from: `words` or `text:FILE`. */
  readonly corpus: string;
}

export function vocabularyMetadata(v: CharVocabulary): Record<string, string> {
  return { [VOCABULARY_KEY]: JSON.stringify(v.chars), [CORPUS_KEY]: v.corpus };
}

/** The vocabulary stored by `vocabularyMetadata`, or undefined when the file has none (or a damaged one). */
export function vocabularyFromMetadata(metadata: Readonly<Record<string, string>>): CharVocabulary | undefined {
  const raw = metadata[VOCABULARY_KEY];
  if (raw === undefined) return undefined;
  let chars: unknown;
  try {
    chars = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (!Array.isArray(chars) || !chars.every((c) => typeof c === "string" && [...c].length === 1)) return undefined;
  return { chars, corpus: metadata[CORPUS_KEY] ?? "text" };
}

/** Token id of every character of `text` (code points); the first unknown character is reported. */
export function encode(
  text: string,
  vocabulary: readonly string[],
): { ids: Int32Array; unknown?: { char: string; index: number } } {
  const idOf = new Map(vocabulary.map((c, i) => [c, i]));
  const chars = [...text];
  const ids = new Int32Array(chars.length);
  for (let i = 0; i < chars.length; i++) {
    const id = idOf.get(chars[i]);
    if (id === undefined) return { ids, unknown: { char: chars[i], index: i } };
    ids[i] = id;
  }
  return { ids };
}

export function decode(ids: ArrayLike<number>, vocabulary: readonly string[]): string {
  let out = "";
  for (let i = 0; i < ids.length; i++) out += vocabulary[ids[i]];
  return out;
}

/** A character as a message shows it: printable ones quoted, others as U+XXXX. */
export function showChar(c: string): string {
  const code = c.codePointAt(0)!;
  return code < 0x20 || code === 0x7f || /\s/u.test(c) ? `U+${code.toString(16).toUpperCase().padStart(4, "0")}` : `'${c}'`;
}
