export { emitTs, paramSpecsInOrder, type EmitOptions } from "./emit-ts.ts";
