export {
  emitTs,
  paramSpecsInOrder,
  type EmitKernels,
  type EmitOptions,
} from "./emit-ts.ts";
