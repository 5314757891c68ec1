// `npm run bench [-- --quick] [-- --only NAME] [-- --json FILE]`: runs the benchmark cases in
// one process on the same inputs and prints medians, GFLOPS and ratios to netc.
import { writeFileSync } from "node:fs";
import os from "node:os";
import { CASES } from "./cases/index.ts";
import { formatCase, type CaseResult } from "./harness.ts";

function option(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const quick = process.argv.includes("--quick");
const only = option("--only");
const jsonPath = option("--json");
const cases = CASES.filter((c) => !only || c.name === only);
if (cases.length === 0) {
  console.error(`no benchmark case named '${only}'; cases: ${CASES.map((c) => c.name).join(", ")}`);
  process.exit(1);
}

const machine = `${os.cpus()[0]?.model ?? "unknown CPU"} ×${os.cpus().length}, Node ${process.version}`;
console.log(`netc benchmarks — ${machine}${quick ? " (quick)" : ""}\n`);
const results: CaseResult[] = [];
for (const c of cases) {
  console.log(`running ${c.name}…`);
  const caseResults = await c.run({ quick, log: (line) => console.log(line) });
  for (const r of caseResults) console.log(`\n${formatCase(r)}\n`);
  results.push(...caseResults);
}
if (jsonPath) {
  writeFileSync(jsonPath, JSON.stringify({ date: new Date().toISOString(), machine, quick, results }, null, 2) + "\n");
  console.log(`results written to ${jsonPath}`);
}
