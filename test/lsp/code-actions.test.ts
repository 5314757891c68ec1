// Quick fixes from diagnostics, and the conversion of diagnostics to the protocol's form.
import { describe, expect, it } from "vitest";
import { analyze, type Analysis } from "../../src/lsp/analysis.ts";
import { codeActions } from "../../src/lsp/code-actions.ts";
import { toLspDiagnostic } from "../../src/lsp/diagnostics.ts";

const uri = "file:///fix.net";

/** Applies a code action's edits (given as LSP ranges) to the analysed text. */
function applyAction(
  a: Analysis,
  action: { edit?: { changes?: Record<string, { range: any; newText: string }[]> } },
): string {
  const edits = action.edit!.changes![uri]!.map((e) => ({ span: a.lines.spanOf(e.range), newText: e.newText }));
  edits.sort((x, y) => y.span.start - x.span.start);
  let text = a.text;
  for (const e of edits) text = text.slice(0, e.span.start) + e.newText + text.slice(e.span.end);
  return text;
}

function actionsAt(a: Analysis, needle: string) {
  const offset = a.text.indexOf(needle);
  const position = a.lines.positionAt(offset);
  return codeActions(a, uri, { start: position, end: position });
}

describe("quick fixes", () => {
  it("applies a did-you-mean to an unknown op", () => {
    const a = analyze("model M {\n  input x: [8, 8, 3]\n  conv(4, 3x3)\n  rleu\n}\n", 1);
    const [action] = actionsAt(a, "rleu");
    expect(action!.title).toBe("change to 'relu'");
    expect(action!.isPreferred).toBe(true);
    const fixed = applyAction(a, action!);
    expect(fixed).toContain("  relu\n");
    expect(analyze(fixed, 2).diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  });

  it("drops a conv bias that a batchnorm makes redundant", () => {
    const a = analyze("model M {\n  input x: [8, 8, 3]\n  conv(4, 3x3)\n  batchnorm\n  relu\n}\n", 1);
    const lint = a.diagnostics.find((d) => d.code === "NET5003")!;
    expect(lint).toBeDefined();
    const actions = actionsAt(a, "conv(4");
    const drop = actions.find((x) => x.diagnostics![0]!.code === "NET5003")!;
    const fixed = applyAction(a, drop);
    expect(analyze(fixed, 2).diagnostics.map((d) => d.code)).not.toContain("NET5003");
    expect(fixed).toMatch(/conv\(4, 3x3, bias = false\)/);
  });

  it("offers nothing away from a fixable diagnostic", () => {
    const a = analyze("model M {\n  input x: [8, 8, 3]\n  conv(4, 3x3)\n  rleu\n}\n", 1);
    expect(actionsAt(a, "input")).toEqual([]);
  });
});

describe("diagnostics in the protocol", () => {
  const a = analyze("model M {\n  input x: [8, 8, 3]\n  conv(4, 3x3) -> c\n  relu -> c\n}\n", 1);

  it("carry related notes as related information with their own ranges", () => {
    const duplicate = a.diagnostics.find((d) => d.code === "NET2009")!;
    const lsp = toLspDiagnostic(duplicate, a.lines, uri);
    expect(lsp.range).toEqual({ start: { line: 3, character: 10 }, end: { line: 3, character: 11 } });
    expect(lsp.relatedInformation).toEqual([
      {
        location: { uri, range: { start: { line: 2, character: 18 }, end: { line: 2, character: 19 } } },
        message: "first declared here",
      },
    ]);
    expect(lsp.severity).toBe(1);
  });

  it("mark unused labels as unnecessary so editors fade them", () => {
    const b = analyze("model M {\n  input x: [8, 8, 3]\n  conv(4, 3x3) -> c\n  relu\n}\n", 1);
    const unused = b.diagnostics.find((d) => d.code === "NET5008")!;
    expect(toLspDiagnostic(unused, b.lines, uri)).toMatchObject({ severity: 2, tags: [1] });
  });
});
