// The `netc` command line (the commands are listed in commands.ts). The only place (with the
// command modules) that sets exit codes: 0 success (warnings allowed), 1 errors in the input,
// 2 usage errors.
import { CommanderError } from "commander";
import { buildProgram, invokedCommand } from "./commands.ts";

const USAGE_ERROR = 2;

async function main(argv: readonly string[]): Promise<number> {
  try {
    const invoked = invokedCommand(argv);
    const program = await buildProgram((c) => c.name === invoked);
    await program.parseAsync([...argv], { from: "user" });
    return typeof process.exitCode === "number" ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      const ok = e.code === "commander.helpDisplayed" || e.code === "commander.version" || e.code === "commander.help";
      return ok ? 0 : USAGE_ERROR;
    }
    // Only a command that ran can have thrown these: their modules are loaded already.
    const [{ InputError }, { UsageError }] = await Promise.all([import("./load-graph.ts"), import("./check.ts")]);
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
