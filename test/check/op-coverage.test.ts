// Every op of the checker's registry has a case in each per-op table: a finite-difference
// gradient case (test/runtime/gradient-cases.ts), a PyTorch case for the reference kernel
// (test/fixtures/runtime/torch-reference.json and torch-sequence.json), an ONNX case run by
// onnxruntime (test/fixtures/onnx/ops.json, and the sequence fixture that
// test/onnx/sequence-ops.test.ts exports), and docs in docs/reference/ops.md. A new op fails
// here until it has all four.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ops } from "../../src/check/ops/registry.ts";
import { referenceKernels } from "../../src/runtime/reference/registry.ts";
import type { OpAttrs } from "../../src/runtime/ops.ts";
import { opFixtures } from "../onnx/fixtures.ts";
import { imageGradientCases, sequenceGradientCases } from "../runtime/gradient-cases.ts";
import { sequenceFixture } from "../runtime/torch-sequence-fixture.ts";

const opNames = Object.keys(ops).sort();

const torchReference = JSON.parse(
  readFileSync(new URL("../fixtures/runtime/torch-reference.json", import.meta.url), "utf8"),
) as { cases: { attrs: OpAttrs }[] };

/** The op names the reference documents: `### a, b` headings and the first cell of table rows
 * (`relu`, `leaky_relu(alpha = 0.01)`, `exp`, `log`, ...). */
function documentedOps(markdown: string): Set<string> {
  const names = new Set<string>();
  for (const line of markdown.split("\n")) {
    const heading = /^#{2,4} (.*)$/.exec(line);
    if (heading) heading[1]!.split(",").forEach((name) => names.add(name.trim()));
    const firstCell = /^\|([^|]*)\|/.exec(line);
    if (firstCell) for (const [, name] of firstCell[1]!.matchAll(/`([a-z_0-9]+)[`(]/g)) names.add(name!);
  }
  return names;
}

const tables: Record<string, ReadonlySet<string>> = {
  "a finite-difference gradient case (test/runtime/gradient-cases.ts)": new Set(
    [...imageGradientCases, ...sequenceGradientCases].map((c) => c.attrs.op),
  ),
  "a PyTorch case (test/fixtures/runtime/gen_torch_reference.py or gen_torch_sequence.py)": new Set(
    [...torchReference.cases, ...sequenceFixture.cases].map((c) => c.attrs.op),
  ),
  "an ONNX case (test/fixtures/onnx/gen_ops.py or the sequence fixture)": new Set([
    ...opFixtures.flatMap((f) => f.program.nodes.map((node) => node.attrs.op)),
    ...sequenceFixture.cases.map((c) => c.attrs.op),
  ]),
  "docs (docs/reference/ops.md)": documentedOps(
    readFileSync(new URL("../../docs/reference/ops.md", import.meta.url), "utf8"),
  ),
};

describe("every op of the checker's registry", () => {
  it("is the runtime's vocabulary (less `input`), which the tables are checked against", () => {
    expect(opNames).toEqual(
      Object.keys(referenceKernels)
        .filter((op) => op !== "input")
        .sort(),
    );
  });

  it.each(Object.entries(tables))("has %s", (_, covered) => {
    expect(opNames.filter((op) => !covered.has(op))).toEqual([]);
  });
});
