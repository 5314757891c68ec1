// `// netc-disable-next-line CODE`, `// netc-disable-line CODE` and the file-level
// `// netc-disable CODE` / `// netc-enable CODE` silence warnings and hints in check(), so the
// command line and the language server (its analysis calls check) honour them alike.
import { describe, expect, it } from "vitest";
import { check } from "../../src/check/index.ts";
import { analyze } from "../../src/lsp/analysis.ts";
import { parse } from "../../src/syntax/parse.ts";

const codes = (text: string) => check(parse(text).program).diagnostics.map((d) => `${d.code}@${text.slice(0, d.span.start).split("\n").length}`);

// Two full 3x3 convs on 64 channels (NET5004 hints) and an unused label (NET5008 warning).
const body = (first = "", second = "", top = "") => `${top}model M {
  input x: [8, 8, 64]
${first}  conv(64, 3x3, pad = 1)
  relu
${second}  conv(64, 3x3, pad = 1) -> unused
  relu
}
`;

describe("lint suppression comments", () => {
  it("without comments both hints and the warning show", () => {
    expect(codes(body())).toEqual(["NET5004@3", "NET5004@5", "NET5008@5"]);
  });

  it("disable-next-line silences the named code on the next line only", () => {
    const text = body("  // netc-disable-next-line NET5004\n");
    expect(codes(text)).toEqual(["NET5004@6", "NET5008@6"]);
  });

  it("several codes, a reason after --, and no code for every lint", () => {
    expect(codes(body("", "  // netc-disable-next-line NET5004, NET5008 -- intended\n"))).toEqual(["NET5004@3"]);
    expect(codes(body("", "  // netc-disable-next-line\n"))).toEqual(["NET5004@3"]);
  });

  it("disable-line silences its own line", () => {
    const text = body().replace("conv(64, 3x3, pad = 1)\n", "conv(64, 3x3, pad = 1) // netc-disable-line NET5004\n");
    expect(codes(text)).toEqual(["NET5004@5", "NET5008@5"]);
  });

  it("a file-level disable holds to the end of the file, or to a matching enable", () => {
    expect(codes(body("", "", "// netc-disable NET5004 -- standard convs by design\n"))).toEqual(["NET5008@6"]);
    expect(codes(body("", "  // netc-enable NET5004\n", "/* netc-disable NET5004 */\n"))).toEqual(["NET5004@7", "NET5008@7"]);
    // A disable after the diagnostics does not reach back.
    expect(codes(`${body()}// netc-disable NET5004\n`)).toEqual(["NET5004@3", "NET5004@5", "NET5008@5"]);
  });

  it("never silences an error", () => {
    const text = "model M {\n  input x: [4, 4, 1]\n  // netc-disable-next-line NET3001\n  dense(3)\n}\n";
    expect(codes(text)).toEqual(["NET3001@4"]);
  });

  it("the language server's analysis honours them too", () => {
    const text = body("  // netc-disable-next-line NET5004\n");
    expect(analyze(text, 1).diagnostics.map((d) => d.code)).toEqual(["NET5004", "NET5008"]);
  });
});
