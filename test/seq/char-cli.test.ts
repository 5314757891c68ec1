// `netc train --data text:FILE` and `netc sample` as a user runs them: a tiny causal character
// model learns a repetitive text, beats the bigram baseline printed before training, stores its
// vocabulary with the weights, and samples reproducibly from it.
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readSafetensors } from "../../src/io/safetensors.ts";

const dir = mkdtempSync(join(tmpdir(), "netc-char-cli-"));
const netc = (...args: string[]) => spawnSync("node", ["bin/netc.js", ...args], { encoding: "utf8" });

const model = join(dir, "tiny.net");
writeFileSync(
  model,
  `model Tiny(vocab = 11) {
  input ids: [8] int
  embedding(vocab, 24)
  positional(8)
  parallel add {
    { layernorm  attention(2, causal = true) }
    { }
  }
  parallel add {
    { layernorm  dense(48)  gelu  dense(24) }
    { }
  }
  layernorm
  dense(vocab)
}
train Tiny {
  loss: cross_entropy
  optimizer: adam(lr = 0.01)
  batch: 8
  epochs: 4
  seed: 3
  metrics: [accuracy, perplexity]
}`,
);
// 11 distinct characters: " .acehmnost".
const text = join(dir, "cat.txt");
writeFileSync(text, "the cat sat on the mat. ".repeat(120));
const weights = join(dir, "tiny.safetensors");

describe("a character model from text", () => {
  const run = netc("train", model, "--data", `text:${text}`, "--out", weights);
  it("trains below the bigram baseline, reporting tokens/s and perplexity every epoch", () => {
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    const baseline = Number(/bigram baseline on the same split: val_loss (\d+\.\d+)/.exec(run.stdout)![1]);
    const epochs = [...run.stdout.matchAll(/epoch (\d)\/4 .* tok\/s .*val_loss (\d+\.\d+) .*perplexity (\d+\.\d+)/g)];
    expect(epochs.map((m) => m[1])).toEqual(["1", "2", "3", "4"]);
    const last = epochs.at(-1)!;
    expect(Number(last[2])).toBeLessThan(baseline * 0.5);
    expect(Number(last[3])).toBeCloseTo(Math.exp(Number(last[2])), 2);
  });
  it("stores the sorted vocabulary in the weights' metadata", () => {
    const { metadata } = readSafetensors(weights);
    expect(JSON.parse(metadata.vocabulary)).toEqual([..." .acehmnost"]);
    expect(metadata.corpus).toBe(`text:${text}`);
  });
  it("the same seed samples the same text; the model continues the prompt", () => {
    const args = ["sample", model, "--weights", weights, "--prompt", "the ", "--length", "40", "--seed", "7"];
    const a = netc(...args);
    const b = netc(...args);
    expect(a.status).toBe(0);
    expect(a.stdout).toBe(b.stdout);
    expect(a.stdout.startsWith("the ")).toBe(true);
    expect(a.stdout.length).toBe(4 + 40 + 1);
    // Temperature 0 is greedy: the seed does not matter.
    const greedy = (seed: string) =>
      netc("sample", model, "--weights", weights, "--prompt", "the ", "--length", "30", "--temperature", "0", "--seed", seed).stdout;
    expect(greedy("1")).toBe(greedy("2"));
    expect(netc(...args.slice(0, -1), "8").stdout).not.toBe(a.stdout);
  });
  it("refuses prompts outside the vocabulary, bad options and models that are not character models", () => {
    const unknown = netc("sample", model, "--weights", weights, "--prompt", "dog");
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toBe("netc: error: --prompt: character 'd' at position 0 is not in the model's vocabulary (text:" + text + ")\n");
    const topK = netc("sample", model, "--weights", weights, "--top-k", "12");
    expect(topK.stderr).toBe("netc: error: --top-k 12 is more than the model's 11 tokens\n");
    const temperature = netc("sample", model, "--weights", weights, "--temperature", "-1");
    expect(temperature.status).toBe(2);
    const lenet = netc("sample", "examples/lenet5.net", "--weights", weights);
    expect(lenet.status).toBe(1);
    expect(lenet.stderr).toBe(
      "netc: error: examples/lenet5.net: LeNet5 is not a character model: its input 'digit' is [28, 28, 1], not token ids [T] int; " +
        "netc sample needs an input of token ids [T] int and an output [T, V] or [V] (see examples/char_gpt.net)\n",
    );
  });
  it("refuses a text whose vocabulary does not fit the model", () => {
    const other = join(dir, "abc.txt");
    writeFileSync(other, "abcabcabcabc".repeat(20));
    const r = netc("train", model, "--data", `text:${other}`, "--out", join(dir, "x.safetensors"));
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`error: vocabulary mismatch: ${other} has 3 distinct characters but the model's output has 11 classes`);
    const fixed = netc("train", model, "--param", "vocab=3", "--epochs", "1", "--data", `text:${other}`, "--out", join(dir, "x.safetensors"));
    expect(fixed.status).toBe(0);
  });
});
