import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { bigramBaseline } from "../../src/data/chars/bigram.ts";
import { charSplit, charWindows } from "../../src/data/chars/corpus.ts";
import { textCorpus } from "../../src/data/chars/text.ts";
import {
  decode,
  encode,
  vocabularyFromMetadata,
  vocabularyMetadata,
  WORDS_VOCABULARY,
} from "../../src/data/chars/vocabulary.ts";
import { encodeWords, englishWords, loadWords, splitWords } from "../../src/data/chars/words.ts";
import { loadData } from "../../src/data/load-data.ts";
import { runData } from "../../src/cli/data.ts";
import { readNpy } from "../../src/io/npy.ts";

const dir = mkdtempSync(join(tmpdir(), "netc-chars-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const sequenceModel = (t: number, v: number) => ({ inputName: "ids", inputShape: [t], outputShape: [t, v] });

describe("--data words", () => {
  it("lower-case a–z words of an-array-of-english-words, split 90/10 by word in a fixed order", () => {
    const words = englishWords();
    expect(words.length).toBe(274937);
    expect(words.every((w) => /^[a-z]+$/.test(w))).toBe(true);
    const { train, validation } = splitWords(words);
    expect(train.length).toBe(Math.floor(words.length * 0.9));
    expect(train.length + validation.length).toBe(words.length);
    // By word: no word is in both parts, and the order is the same on every call.
    const held = new Set(validation);
    expect(train.some((w) => held.has(w))).toBe(false);
    expect(splitWords(words).validation.slice(0, 5)).toEqual(validation.slice(0, 5));
    // Shuffled, not alphabetical.
    expect(train.slice(0, 3)).not.toEqual(words.slice(0, 3));
  });
  it("encodes `.w1.w2.` with '.' = 0 and a–z = 1–26", () => {
    expect(WORDS_VOCABULARY.join("")).toBe(".abcdefghijklmnopqrstuvwxyz");
    expect(Array.from(encodeWords(["ab", "z"]))).toEqual([0, 1, 2, 0, 26, 0]);
    expect(decode(encodeWords(["cat", "dog"]), WORDS_VOCABULARY)).toBe(".cat.dog.");
    const corpus = loadWords();
    // Σ(word length + 1) over all words, plus each part's leading '.'.
    expect(corpus.train.length + corpus.validation.length).toBe(2812697 + 2);
  });
  it("windows of T characters with targets shifted by one, for [T, 27] and [27] outputs", () => {
    const split = loadData("words", [16, 27], 0.2, { name: "ids", shape: [16] });
    const text = decode(loadWords().train.subarray(0, 33), WORDS_VOCABULARY);
    const { train, validation } = split;
    expect(train.count).toBe(Math.floor((loadWords().train.length - 1) / 16));
    expect(train.dtype).toBe("int32");
    expect(decode(train.x.subarray(0, 16), WORDS_VOCABULARY)).toBe(text.slice(0, 16));
    expect(decode(train.labels.data.subarray(0, 16), WORDS_VOCABULARY)).toBe(text.slice(1, 17));
    expect(decode(train.x.subarray(16, 32), WORDS_VOCABULARY)).toBe(text.slice(16, 32));
    expect(validation!.name).toBe("words (validation)");
    expect(split.vocabulary).toEqual({ chars: WORDS_VOCABULARY, corpus: "words" });

    const next = loadData("words", [27], 0, { name: "ids", shape: [8] });
    expect(next.train.labels.shape).toEqual([]);
    expect(decode(next.train.labels.data.subarray(0, 2), WORDS_VOCABULARY)).toBe(text[8] + text[16]);
  });
  it("refuses a model that does not fit the vocabulary or is not a character model", () => {
    expect(() => loadData("words", [16, 30], 0, { name: "ids", shape: [16] })).toThrow(
      "vocabulary mismatch: words has 27 distinct characters but the model's output has 30 classes; give the last layer 27 units (and the embedding a vocabulary of 27)",
    );
    expect(() => loadData("words", [10], 0, { name: "digit", shape: [28, 28, 1] })).toThrow(
      "--data words trains character models: the input 'digit' must be token ids [T] int, not [28, 28, 1]",
    );
    expect(() => loadData("words", [16, 4, 27], 0, { name: "ids", shape: [16] })).toThrow(
      "is neither [16, V] (the next character at every position) nor [V]",
    );
  });
});

describe("netc data words", () => {
  it("writes the training and validation windows as int32 .npy", async () => {
    const out = join(dir, "words");
    expect(await runData("words", { out, context: 8 })).toBe(0);
    const split = loadData("words", [8, 27], 0, { name: "ids", shape: [8] });
    const x = readNpy(join(out, "train-x.npy"));
    const y = readNpy(join(out, "val-y.npy"));
    expect([x.dtype, x.shape]).toEqual(["<i4", [split.train.count, 8]]);
    expect(Array.from((x.data as Int32Array).subarray(0, 16))).toEqual(Array.from(split.train.x.subarray(0, 16)));
    expect([y.dtype, y.shape]).toEqual(["<i4", [split.validation!.count, 8]]);
    expect(Array.from((y.data as Int32Array).subarray(0, 16))).toEqual(Array.from(split.validation!.labels.data.subarray(0, 16)));
  });
});

describe("the bigram baseline", () => {
  it("add-one bigram counts from the training windows, scored on the validation windows", () => {
    const train = charWindows(Int32Array.of(0, 1, 0, 1, 0), 2, "sequence", "t"); // pairs a→b, b→a, a→b, b→a
    const validation = charWindows(Int32Array.of(0, 0, 1), 2, "sequence", "v"); // pairs a→a, a→b
    const { loss, perplexity } = bigramBaseline(train, validation, 2);
    // P(b|a) = (2 + 1) / (2 + 2) = 3/4, P(a|a) = 1/4.
    expect(loss).toBeCloseTo(-(Math.log(1 / 4) + Math.log(3 / 4)) / 2, 12);
    expect(perplexity).toBeCloseTo(Math.exp(loss), 12);
  });
  it("is 2.5061 nats (perplexity 12.26) on the words split", () => {
    const { train, validation } = loadData("words", [16, 27], 0, { name: "ids", shape: [16] });
    expect(bigramBaseline(train, validation!, 27).loss).toBeCloseTo(2.5061, 4);
  });
});

describe("--data text:FILE", () => {
  it("one token per code point, sorted vocabulary, the last 10% held out", () => {
    const text = "héllo wörld 🙂 ".repeat(20);
    const corpus = textCorpus(new TextEncoder().encode(text), "t.txt");
    const chars = [...new Set(text)].sort((a, b) => a.codePointAt(0)! - b.codePointAt(0)!);
    expect(corpus.vocabulary.chars).toEqual(chars);
    expect(corpus.vocabulary.chars.at(-1)).toBe("🙂");
    const n = [...text].length;
    expect(corpus.train.length).toBe(Math.floor(n * 0.9));
    expect(decode(corpus.validation, chars)).toBe([...text].slice(Math.floor(n * 0.9)).join(""));
    const file = join(dir, "t.txt");
    writeFileSync(file, text);
    const split = loadData(`text:${file}`, [8, chars.length], 0.2, { name: "ids", shape: [8] });
    expect(split.train.count).toBe(Math.floor((Math.floor(n * 0.9) - 1) / 8));
    expect(split.vocabulary!.corpus).toBe(`text:${file}`);
  });
  it("refuses an empty file, one distinct character, bad UTF-8 and a vocabulary mismatch", () => {
    const bytes = (s: string) => new TextEncoder().encode(s);
    expect(() => textCorpus(bytes(""), "e.txt")).toThrow("e.txt is empty; a character model needs text to learn from");
    expect(() => textCorpus(bytes("aaaa"), "a.txt")).toThrow(
      "a.txt has only one distinct character ('a'); there is nothing to predict — use a text with at least two",
    );
    expect(() => textCorpus(bytes("\n\n"), "n.txt")).toThrow("only one distinct character (U+000A)");
    expect(() => textCorpus(Uint8Array.of(0x61, 0x62, 0xff, 0x63), "b.bin")).toThrow(
      "b.bin: not UTF-8 text (at byte 2); save it as UTF-8",
    );
    const corpus = textCorpus(bytes("abcabcabcabcabcabcabcabc"), "abc.txt");
    expect(() => charSplit(corpus, sequenceModel(4, 27))).toThrow(
      "vocabulary mismatch: abc.txt has 3 distinct characters but the model's output has 27 classes",
    );
    expect(() => charSplit(corpus, sequenceModel(4, 3))).toThrow(
      "abc.txt: the validation text has 3 characters, too few for one window of 4 plus its target",
    );
    expect(() => loadData("text:", [4, 3], 0)).toThrow("--data text: needs a file name");
    expect(() => loadData(`text:${join(dir, "missing.txt")}`, [4, 3], 0)).toThrow("missing.txt: cannot read");
  });
});

describe("vocabularies in weights metadata", () => {
  it("round-trip through __metadata__ strings; damaged entries read as none", () => {
    const v = { chars: ["\n", " ", "a", "é", "🙂"], corpus: "text:x.txt" };
    expect(vocabularyFromMetadata(vocabularyMetadata(v))).toEqual(v);
    expect(vocabularyFromMetadata({})).toBeUndefined();
    expect(vocabularyFromMetadata({ vocabulary: "[" })).toBeUndefined();
    expect(vocabularyFromMetadata({ vocabulary: '["ab"]' })).toBeUndefined();
  });
  it("encode names the first unknown character", () => {
    expect(encode("ab.", WORDS_VOCABULARY)).toEqual({ ids: Int32Array.of(1, 2, 0) });
    expect(encode("aBc", WORDS_VOCABULARY).unknown).toEqual({ char: "B", index: 1 });
  });
});
