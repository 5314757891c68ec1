// The checker's public API.
export { check, type CheckOptions, type CheckResult, type ParamValue } from "./check.ts";
export { symbolAt, type CheckFacts, type StatementFacts, type SymbolInfo, type SymbolKind } from "./facts.ts";
export { makeDivisible } from "./scaling.ts";
