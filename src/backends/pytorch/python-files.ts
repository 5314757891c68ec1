// The fixed Python files every PyTorch package carries (src/backends/pytorch/python/), read from
// the sources here; the package build replaces this module with one that embeds their texts
// (scripts/build.ts), since dist/ holds no .py files.
import { readFileSync } from "node:fs";

export type PythonFile = "netc_weights.py" | "train_core.py";

export function pythonFile(name: PythonFile): string {
  return readFileSync(new URL(`./python/${name}`, import.meta.url), "utf8");
}
