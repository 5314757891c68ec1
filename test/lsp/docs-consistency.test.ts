// The editor's op and train/predict tables agree with the checker: every documented default is
// the checker's default, every suggested option word and argument is accepted.
import { describe, expect, it } from "vitest";
import { ops } from "../../src/check/ops/registry.ts";
import type { LayerStmt, ModelDecl } from "../../src/syntax/ast.ts";
import { analyze } from "../../src/lsp/analysis.ts";
import { keysOf, predictKeys, trainKeys } from "../../src/lsp/config-docs.ts";
import { opDocs } from "../../src/lsp/op-docs.ts";
import { opSignature } from "../../src/lsp/signatures.ts";

/** A value for each required argument, valid on a [16, 16, 8] input labelled `x`. */
const samples: Record<string, string> = {
  filters: "4",
  kernel: "3x3",
  units: "4",
  rate: "0.5",
  shape: "[16, 128]",
  to: "x",
  amount: "1",
  k: "2",
  tensors: "x",
  vocab: "10",
  dim: "4",
  length: "16",
  heads: "2",
  index: "-1",
  perm: "[2, 0, 1]",
  min: "-1",
  max: "1",
  groups: "2",
};

/** The input each op is tried on: an image, except for the ops of sequences (spec section 11). */
function inputOf(op: string): string {
  if (op === "embedding") return "[16] int";
  if (["positional", "class_token", "attention", "take", "lstm", "gru"].includes(op)) return "[16, 8]";
  return "[16, 16, 8]";
}

function errorsOf(text: string) {
  return analyze(text, 1).diagnostics.filter((d) => d.severity === "error");
}

describe("op docs", () => {
  it("document every op of the registry, and only arguments its signature has", () => {
    expect(Object.keys(opDocs).sort()).toEqual(Object.keys(ops).sort());
    for (const [name, doc] of Object.entries(opDocs)) {
      const params = ops[name as keyof typeof ops].signature.map((p) => p.name);
      for (const arg of [...Object.keys(doc.defaults ?? {}), ...Object.keys(doc.choices ?? {})]) {
        expect(params, `${name}(${arg})`).toContain(arg);
      }
    }
  });

  for (const name of Object.keys(ops)) {
    it(`${name}: the documented defaults give what leaving the arguments out gives`, () => {
      const sig = opSignature(name)!;
      const required = sig.params.filter((p) => p.default === undefined).map((p) => samples[p.name]!);
      const given = sig.params
        .filter((p) => p.default !== undefined)
        .map((p) => `${p.name} = ${samples[p.default!] ?? p.default}`);
      const prefix = name === "dense" ? "flatten\n  " : "";
      const text = `model M {\n  input x: ${inputOf(name)}\n  ${prefix}${name}(${required.join(", ")}) -> a\n  from x\n  ${prefix}${name}(${[...required, ...given].join(", ")}) -> b\n  output a, b\n}\n`;
      expect(errorsOf(text)).toEqual([]);
      const a = analyze(text, 1);
      const layers = (a.program.items[0] as ModelDecl).body.filter(
        (s): s is LayerStmt => s.kind === "Layer" && s.callee.name === name,
      );
      const [plain, explicit] = layers.map((s) => a.checked!.facts.statements.get(s)!);
      expect(explicit!.outputs).toEqual(plain!.outputs);
      expect([explicit!.params, explicit!.macs]).toEqual([plain!.params, plain!.macs]);
    });
  }

  it("offers only option words the checker accepts", () => {
    for (const [name, doc] of Object.entries(opDocs)) {
      for (const [arg, choices] of Object.entries(doc.choices ?? {})) {
        const required = opSignature(name)!
          .params.filter((p) => p.default === undefined && p.name !== arg)
          .map((p) => samples[p.name]!);
        const prefix = name === "dense" ? "flatten\n  " : "";
        for (const choice of choices) {
          const text = `model M {\n  input x: ${inputOf(name)}\n  ${prefix}${name}(${[...required, `${arg} = ${choice}`].join(", ")})\n}\n`;
          expect(errorsOf(text), `${name}(${arg} = ${choice})`).toEqual([]);
        }
      }
    }
  });
});

describe("train and predict docs", () => {
  // An image model, so that every key applies to it (augment: shift moves images).
  const model = "model M {\n  input x: [4, 4, 1]\n  flatten\n  dense(2)\n  softmax\n}\n";
  /** A section holding `key: value` and, for train, the keys the checker requires. */
  const section = (kind: "train" | "predict", key: string, value: string) => {
    const required =
      kind === "train" ? ["loss: mse", "optimizer: sgd(lr = 0.1)"].filter((e) => !e.startsWith(`${key}:`)) : [];
    return `${model}${kind} M {\n${[...required, `${key}: ${value}`].map((e) => `  ${e}\n`).join("")}}\n`;
  };

  it("list exactly the keys the checker knows: an unknown key is rejected, each listed one accepted", () => {
    expect(errorsOf(section("train", "nonsense", "1")).map((d) => d.code)).toEqual(["NET4001"]);
    for (const kind of ["train", "predict"] as const) {
      for (const key of keysOf(kind)) {
        const values = key.options
          ? key.options.map((o) => {
              const args = o.args?.filter((a) => a.required || a.default === undefined).slice(0, 1) ?? [];
              const call = args.length
                ? `${o.name}(${args.map((a) => `${a.name} = ${a.name === "tile" ? 4 : 1}`).join(", ")})`
                : o.name;
              return key.list ? `[${call}]` : call;
            })
          : [key.example!];
        for (const value of values) {
          const text = section(kind, key.key, value);
          expect(errorsOf(text), text).toEqual([]);
        }
      }
    }
  });

  it("document argument names and defaults the checker accepts", () => {
    for (const key of [...trainKeys, ...predictKeys]) {
      for (const option of key.options ?? []) {
        if (!option.args) continue;
        // exponential takes gamma or rate, not both.
        const args = option.name === "exponential" ? option.args.slice(0, 1) : option.args;
        const written = args.map((a) => `${a.name} = ${a.default ?? (a.name === "tile" ? 4 : 1)}`).join(", ");
        const value = key.list ? `[${option.name}(${written})]` : `${option.name}(${written})`;
        const text = section(predictKeys.includes(key) ? "predict" : "train", key.key, value);
        expect(errorsOf(text), text).toEqual([]);
      }
    }
  });
});
