// The lazy command registry: `netc --help` lists every command without loading its module, so
// the listed descriptions must stay those the modules register; only the command run is loaded.
import { Command } from "commander";
import { describe, expect, it } from "vitest";
import { buildProgram, COMMANDS, invokedCommand } from "../../src/cli/commands.ts";

describe("the command registry", () => {
  it("lists each command with the name and description its module registers", async () => {
    for (const entry of COMMANDS) {
      const program = new Command("netc");
      (await entry.load())(program);
      expect(program.commands.map((c) => [c.name(), c.description()])).toEqual([[entry.name, entry.description]]);
    }
  });

  it("registers in full only the command being run", async () => {
    const program = await buildProgram((c) => c.name === "summary");
    const byName = new Map(program.commands.map((c) => [c.name(), c]));
    expect([...byName.keys()]).toEqual(COMMANDS.map((c) => c.name));
    expect(byName.get("summary")!.registeredArguments.map((a) => a.name())).toEqual(["file"]);
    expect(byName.get("check")!.registeredArguments).toEqual([]);
    expect(byName.get("check")!.options).toEqual([]);
  });

  it("finds the command in the arguments", () => {
    expect(invokedCommand([])).toBeUndefined();
    expect(invokedCommand(["--help"])).toBeUndefined();
    expect(invokedCommand(["summary", "x.net", "--json"])).toBe("summary");
    expect(invokedCommand(["--version", "check", "a.net"])).toBe("check");
    expect(invokedCommand(["help", "train"])).toBe("train");
  });
});
