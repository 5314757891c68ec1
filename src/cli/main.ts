// The `netc` command line. Each command lives in its own module and is added here with
// `register<Command>(program)`. The only place (with the command modules) that sets exit codes:
// 0 success (warnings allowed), 1 errors in the input, 2 usage errors.
import { Command, CommanderError } from "commander";
import { registerCheck, UsageError } from "./check.ts";
import { registerCompile } from "./compile.ts";
import { registerData } from "./data.ts";
import { registerEvaluate } from "./evaluate.ts";
import { registerExport } from "./export.ts";
import { registerFmt } from "./fmt.ts";
import { registerPredict } from "./predict.ts";
import { registerSample } from "./sample.ts";
import { InputError } from "./load-graph.ts";
import { registerLsp } from "./lsp.ts";
import { registerSummary } from "./summary.ts";
import { registerTrain } from "./train.ts";

const USAGE_ERROR = 2;

export function buildProgram(): Command {
  const program = new Command("netc")
    .description("A compiler for .net neural-network model files")
    .version("0.1.0")
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  registerCheck(program);
  registerSummary(program);
  registerTrain(program);
  registerPredict(program);
  registerSample(program);
  registerEvaluate(program);
  registerExport(program);
  registerCompile(program);
  registerData(program);
  registerFmt(program);
  registerLsp(program);
  return program;
}

async function main(argv: readonly string[]): Promise<number> {
  try {
    await buildProgram().parseAsync([...argv], { from: "user" });
    return typeof process.exitCode === "number" ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      const ok = e.code === "commander.helpDisplayed" || e.code === "commander.version" || e.code === "commander.help";
      return ok ? 0 : USAGE_ERROR;
    }
    if (e instanceof InputError) {
      process.stderr.write(`${e.message}\n`);
      return 1;
    }
    if (e instanceof UsageError) {
      process.stderr.write(`netc: ${e.message}\n`);
      return USAGE_ERROR;
    }
    throw e;
  }
}

process.exit(await main(process.argv.slice(2)));
