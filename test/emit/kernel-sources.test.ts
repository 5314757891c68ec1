// The inlining table names, for every op, exactly the kernel the runtime runs.
import { expect, it } from "vitest";
import { KERNEL_SOURCES } from "../../src/backends/emit-ts/kernel-sources.ts";
import { referenceKernels } from "../../src/runtime/index.ts";
import type { OpName } from "../../src/runtime/index.ts";

it("KERNEL_SOURCES names each op's reference kernel", async () => {
  for (const op of Object.keys(referenceKernels) as OpName[]) {
    const { file, expression } = KERNEL_SOURCES[op];
    const exports = (await import(
      /* @vite-ignore */ new URL(
        `../../src/runtime/reference/${file}`,
        import.meta.url,
      ).href
    )) as Record<string, unknown>;
    const kernel = expression
      .split(".")
      .reduce<unknown>(
        (value, key) => (value as Record<string, unknown>)[key],
        exports,
      );
    expect(kernel, op).toBe(referenceKernels[op]);
  }
});
