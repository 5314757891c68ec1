// The `netc` command line (the commands are listed in commands.ts). The only place (with the
// command modules) that sets exit codes: 0 success (warnings allowed), 1 errors in the input,
// 2 usage errors.
import { CommanderError } from "commander";
import { buildProgram, invokedCommand } from "./commands.ts";
import { reportError, USAGE_ERROR } from "./errors.ts";
import { paletteFor } from "./style.ts";

async function main(argv: readonly string[]): Promise<number> {
  try {
    const invoked = invokedCommand(argv);
    const program = await buildProgram((c) => c.name === invoked);
    await program.parseAsync([...argv], { from: "user" });
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
