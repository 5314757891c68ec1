// An input node's value is written by the executor before the first kernel runs, and its
// gradient is where backward leaves it, so the kernel itself has nothing to do.
import type { Kernel } from "../kernel.ts";

export const inputKernel: Kernel<"input"> = {
  backwardReads: { inputs: false, output: false },
  params: () => [],
  forward: () => {},
  backward: () => {},
};
