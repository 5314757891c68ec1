// The section 11 examples and layers against PyTorch's own parameter counts (torchvision's
// vit_b_16, GPT-2 and BERT-base built from torch.nn with the tied head counted once, nn.LSTM,
// nn.GRU, nn.MultiheadAttention), recorded by test/fixtures/check/gen_torch_counts.py.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { check } from "../../src/check/index.ts";
import { parse } from "../../src/syntax/parse.ts";

const root = join(import.meta.dirname, "../..");
const torch = JSON.parse(readFileSync(join(root, "test/fixtures/check/torch-counts.json"), "utf8")) as {
  models: Record<string, number>;
  layers: Record<string, number>;
};

function totalOf(text: string): number {
  const { program } = parse(text);
  const result = check(program);
  expect(result.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  return [...result.graphs.values()][0]!.totals.params;
}

const lastParams = (body: string) => {
  const { program } = parse(`model M {\n${body}\n}`);
  return check(program).graphs.get("M")!.nodes.at(-1)!.paramCount;
};

describe("params as PyTorch counts them", () => {
  it.each(Object.entries(torch.models))("%s", (file, count) => {
    expect(totalOf(readFileSync(join(root, "examples", file), "utf8"))).toBe(count);
  });

  it("attention: nn.MultiheadAttention, self and cross (kdim = vdim = C_ctx)", () => {
    expect(lastParams("  input x: [197, 768]\n  attention(12)")).toBe(torch.layers["attention(12) on [197, 768]"]);
    expect(lastParams("  input memory: [7, 48]\n  input x: [10, 64]\n  attention(4, context = memory)")).toBe(
      torch.layers["attention(4, context) on [10, 64] with [7, 48]"],
    );
  });

  it("lstm: nn.LSTM less its second bias (netc keeps b_ih + b_hh); gru: nn.GRU", () => {
    expect(lastParams("  input x: [200, 128]\n  lstm(64)")).toBe(torch.layers["lstm(64) on [200, 128] (PyTorch, two biases)"]! - 4 * 64);
    expect(lastParams("  input x: [50, 128]\n  gru(64)")).toBe(torch.layers["gru(64) on [50, 128]"]);
  });
});
