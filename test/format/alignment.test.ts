// The formatter keeps shape assertions aligned where the author aligned them (two or more
// spaces before the `:`), when the line still fits the print width; otherwise one space.
import { describe, expect, it } from "vitest";
import { formatSource } from "../../src/format/index.ts";

describe("aligned shape assertions", () => {
  it("keep their column, and format to themselves again", async () => {
    const text = `model M {
  input x: [8, 8, 3]
  conv(4, 3x3, pad = 1)        : [8, 8, 4]
  relu
  maxpool(2x2) -> pooled       : [4, 4, 4]
  flatten                      : [64]
}
`;
    expect(await formatSource(text)).toBe(text);
  });

  it("follow the column through other changes on the line, inside blocks too", async () => {
    const messy = `model M {
  input x: [8, 8, 3]
  block b(f) {
    conv(f,3x3,pad=1)      : [8, 8, f]
  }
  b(4)                     : [8, 8, 4]
}
`;
    expect(await formatSource(messy)).toBe(`model M {
  input x: [8, 8, 3]
  block b(f) {
    conv(f, 3x3, pad = 1)  : [8, 8, f]
  }
  b(4)                     : [8, 8, 4]
}
`);
  });

  it("fall back to one space when the statement reaches the column or the line would overflow", async () => {
    const text = `model M {
  input x: [8, 8, 3]
  conv(4, 3x3, pad = 1, bias = false)  : [8, 8, 4]
  relu                 : [8, 8, 4]
  flatten${" ".repeat(75)}: [256]
  dense(2) : [2]
}
`;
    expect(await formatSource(text)).toBe(`model M {
  input x: [8, 8, 3]
  conv(4, 3x3, pad = 1, bias = false)  : [8, 8, 4]
  relu                 : [8, 8, 4]
  flatten : [256]
  dense(2) : [2]
}
`);
    const squeezed = text.replace("conv(4, 3x3, pad = 1, bias = false)  :", "conv(4,3x3,pad=1,bias=false)  :");
    expect(await formatSource(squeezed)).toContain("conv(4, 3x3, pad = 1, bias = false) : [8, 8, 4]");
  });
});
