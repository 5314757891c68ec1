// The kernel table an emitted module passes in for the runtime's registry (link-modules.ts
// binds reference/registry.ts's `referenceKernels` to it): the kernels of the ops the model uses,
// since the executor never looks up any other op.
import type { KernelTable } from "../../../runtime/kernel.ts";

export function kernelTable(kernels: { readonly [op: string]: unknown }): KernelTable {
  return kernels as unknown as KernelTable;
}
