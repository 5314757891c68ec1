// The `netc` command line. Each command lives in its own module and is added here with
// `register<Command>(program)`. The only place (with the command modules) that sets exit codes:
// 0 success (warnings allowed), 1 errors in the input, 2 usage errors.
import { Command, CommanderError } from "commander";
import { registerCheck } from "./check.ts";
import { registerCompile } from "./compile.ts";
import { registerData } from "./data.ts";
import { registerEvaluate } from "./evaluate.ts";
import { registerExport } from "./export.ts";
import { registerFmt } from "./fmt.ts";
import { registerPredict } from "./predict.ts";
import { reportError, USAGE_ERROR } from "./errors.ts";
import { registerSample } from "./sample.ts";
import { registerLsp } from "./lsp.ts";
import { registerPlot } from "./plot.ts";
import { registerSummary } from "./summary.ts";
import { paletteFor } from "./style.ts";
import { registerTrain } from "./train.ts";
import { registerViz } from "./viz.ts";

export function buildProgram(): Command {
  const program = new Command("netc")
    .description("A compiler for .net neural-network model files")
    .version("0.1.0")
    .exitOverride()
    .configureOutput({
      writeErr: (s) => process.stderr.write(s),
      // Commander's own messages ("error: unknown option ...") get the one prefix of netc's errors.
      outputError: (s, write) => write(`netc: ${s}`),
    });
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
  registerViz(program);
  registerPlot(program);
  return program;
}

async function main(argv: readonly string[]): Promise<number> {
  try {
    await buildProgram().parseAsync([...argv], { from: "user" });
    return typeof process.exitCode === "number" ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help, --version and `help` succeed; anything else (no command, an unknown option, a
      // missing argument: help or the message already went to stderr) is a usage error.
      const ok = e.code === "commander.helpDisplayed" || e.code === "commander.version" || e.exitCode === 0;
      return ok ? 0 : USAGE_ERROR;
    }
    return reportError(e, process.stderr, paletteFor(process.stderr));
  }
}

process.exit(await main(process.argv.slice(2)));
