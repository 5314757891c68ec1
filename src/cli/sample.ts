// `netc sample FILE --weights W [--prompt TEXT] [--length n] [--temperature t] [--top-k k]
// [--seed s]`: generate text from a character model (spec section 11). The vocabulary comes from
// the weights file's metadata (written by `netc train --data words|text:FILE`); a 27-way model
// without one is read with the words vocabulary. Seeded: the same arguments print the same text.
import type { Command } from "commander";
import type { ParamValue } from "../check/index.ts";
import { charModel, type CharModel } from "../backends/sample/char-model.ts";
import { generate } from "../backends/sample/decoder.ts";
import { createCharDecoder } from "../backends/sample/create-decoder.ts";
import {
  decode,
  encode,
  showChar,
  vocabularyFromMetadata,
  WORD_BOUNDARY,
  WORDS_VOCABULARY,
  type CharVocabulary,
} from "../data/chars/vocabulary.ts";
import { readSafetensors } from "../io/safetensors.ts";
import { checkWeights, weightSpecs } from "../io/weights.ts";
import type { Graph } from "../ir/graph.ts";
import { Rng } from "../runtime/rng.ts";
import { collectParam } from "./check.ts";
import { InputError, UsageError } from "./errors.ts";
import { loadGraph } from "./load-graph.ts";
import { integerOption } from "./options.ts";

export interface SampleCommandOptions {
  readonly model?: string;
  readonly params: Record<string, ParamValue>;
  readonly weights: string;
  readonly prompt?: string;
  readonly length: number;
  readonly temperature: number;
  readonly topK?: number;
  readonly seed: number;
}

const DEFAULT_LENGTH = 200;

function characterModel(graph: Graph, file: string): CharModel {
  const model = charModel(graph);
  if ("notCharModel" in model)
    throw new InputError(
      `error: ${file}: ${graph.model} is not a character model: ${model.notCharModel}; ` +
        "netc sample needs an input of token ids [T] int and an output [T, V] or [V] (see examples/char_gpt.net)",
    );
  return model;
}

function vocabularyOf(metadata: Readonly<Record<string, string>>, model: CharModel, weights: string): CharVocabulary {
  const stored = vocabularyFromMetadata(metadata);
  const vocabulary = stored ?? (model.vocabulary === WORDS_VOCABULARY.length ? { chars: WORDS_VOCABULARY, corpus: "words" } : undefined);
  if (!vocabulary)
    throw new InputError(
      `error: ${weights} holds no vocabulary and the model scores ${model.vocabulary} tokens; ` +
        "train it with --data words or --data text:FILE, which store the vocabulary with the weights",
    );
  if (vocabulary.chars.length !== model.vocabulary)
    throw new InputError(
      `error: vocabulary mismatch: ${weights} was trained on ${vocabulary.chars.length} characters (${vocabulary.corpus}) ` +
        `but the model scores ${model.vocabulary}; use the .net file and --param values it was trained with`,
    );
  return vocabulary;
}

function promptIds(prompt: string | undefined, vocabulary: CharVocabulary): Int32Array {
  // Without a prompt, start where the words start: after the boundary (the first token of a sorted text vocabulary).
  const text = prompt ?? vocabulary.chars[0];
  if (text.length === 0) throw new UsageError("--prompt must not be empty; leave it out to start from the beginning of a word");
  const { ids, unknown } = encode(text, vocabulary.chars);
  if (unknown)
    throw new UsageError(
      `--prompt: character ${showChar(unknown.char)} at position ${unknown.index} is not in the model's vocabulary (${vocabulary.corpus})` +
        (vocabulary.corpus === "words" ? "; use lower-case a–z and '.' between words" : ""),
    );
  return ids;
}

/** The words vocabulary prints one word per line; other text as it is. */
function render(text: string, vocabulary: CharVocabulary): string {
  if (vocabulary.corpus !== "words") return text.endsWith("\n") ? text : text + "\n";
  return text.split(WORD_BOUNDARY).filter((w) => w.length > 0).map((w) => w + "\n").join("");
}

export async function runSample(file: string, opts: SampleCommandOptions): Promise<number> {
  const { graph } = loadGraph(file, opts);
  const model = characterModel(graph, file);
  const contents = readSafetensors(opts.weights, { checkFinite: true });
  checkWeights(contents.tensors, weightSpecs(graph), opts.weights);
  const vocabulary = vocabularyOf(contents.metadata, model, opts.weights);
  if (opts.topK !== undefined && opts.topK > model.vocabulary)
    throw new UsageError(`--top-k ${opts.topK} is more than the model's ${model.vocabulary} tokens`);
  const prompt = promptIds(opts.prompt, vocabulary);
  const weights = new Map([...contents.tensors].map(([k, t]) => [k, t.data]));
  const { decoder, dispose } = await createCharDecoder(graph, model, weights, 0);
  try {
    const ids = generate(decoder, prompt, opts.length, { temperature: opts.temperature, topK: opts.topK }, new Rng(opts.seed));
    const text = decode(prompt, vocabulary.chars) + decode(ids, vocabulary.chars);
    process.stdout.write(render(text, vocabulary));
    return 0;
  } finally {
    await dispose();
  }
}

function temperature(raw: string): number {
  const t = Number(raw);
  if (raw.trim() === "" || !Number.isFinite(t) || t < 0)
    throw new UsageError(`--temperature expects a number ≥ 0 (0 always picks the most likely character), got '${raw}'`);
  return t;
}

export function registerSample(program: Command): void {
  program
    .command("sample")
    .description("generate text from a character model")
    .argument("<file>", ".net file")
    .option("--model <name>", "the model (default: the file's only model)")
    .option("--param <name=value>", "set a model parameter (repeatable)", collectParam, {})
    .requiredOption("--weights <weights>", "trained weights (safetensors, from netc train --data words|text:FILE)")
    .option("--prompt <text>", "text to continue (default: the start of a word)")
    .option("--length <n>", "characters to generate", integerOption("--length", 1, 1_000_000), DEFAULT_LENGTH)
    .option("--temperature <t>", "sharpen (< 1) or flatten (> 1) the distribution; 0 = greedy", temperature, 1)
    .option("--top-k <k>", "sample among the k most likely characters only", integerOption("--top-k", 1, Number.MAX_SAFE_INTEGER))
    .option("--seed <s>", "random seed", integerOption("--seed", 0, 2 ** 32 - 1), 0)
    .action(async (file: string, opts: SampleCommandOptions & { param: Record<string, ParamValue> }) => {
      process.exitCode = await runSample(file, { ...opts, params: opts.param });
    });
}
