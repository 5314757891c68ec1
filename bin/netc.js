#!/usr/bin/env node
// The `netc` command. It runs the built CLI, dist/cli.js (`npm run build`, which `npm ci` runs
// through `prepare`). In a clone, NETC_FROM_SOURCE=1 runs the TypeScript sources through tsx
// (a dev dependency) instead: the test runner sets it, so tests never run a stale build; a
// clone that was never built runs from the sources too.
import { existsSync } from "node:fs";

const built = new URL("../dist/cli.js", import.meta.url);
const sources = new URL("../src/cli/main.ts", import.meta.url);
const fromSource = existsSync(sources) && (process.env.NETC_FROM_SOURCE === "1" || !existsSync(built));

if (!fromSource) {
  await import(built.href);
} else {
  let tsx;
  try {
    tsx = await import("tsx/esm/api");
  } catch {
    process.stderr.write("netc: this clone is not built and tsx is missing: run `npm ci` (or `npm run build`)\n");
    process.exit(2);
  }
  tsx.register();
  await import(sources.href);
}
