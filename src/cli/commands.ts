// netc's commands: each lives in its own module, which adds it to the program with
// `register<Command>(program)`, and is listed in COMMANDS below with what `netc --help` shows.
import { Command } from "commander";

/** A command as `netc --help` lists it, and how to load it. Only the command being run is
 * loaded (its module pulls in the parser, the checker, the runtime...): start-up stays quick. */
export interface LazyCommand {
  readonly name: string;
  /** The same text the module's register function gives (a test keeps the two equal). */
  readonly description: string;
  readonly load: () => Promise<(program: Command) => void>;
}

/** Every command, in `netc --help`'s order. To add one, add an entry. */
export const COMMANDS: readonly LazyCommand[] = [
  {
    name: "check",
    description: "parse, check and lint model files",
    load: async () => (await import("./check.ts")).registerCheck,
  },
  {
    name: "summary",
    description: "per-layer table and totals of a model",
    load: async () => (await import("./summary.ts")).registerSummary,
  },
  {
    name: "train",
    description: "train a model per its train section",
    load: async () => (await import("./train.ts")).registerTrain,
  },
  {
    name: "predict",
    description: "run inference on a .npy array",
    load: async () => (await import("./predict.ts")).registerPredict,
  },
  {
    name: "sample",
    description: "generate text from a character model",
    load: async () => (await import("./sample.ts")).registerSample,
  },
  {
    name: "evaluate",
    description: "metrics and confusion matrix of trained weights on a dataset",
    load: async () => (await import("./evaluate.ts")).registerEvaluate,
  },
  {
    name: "export",
    description: "export a model to ONNX (opset 17) or a PyTorch package (model.py, train.py for torchrun/DDP)",
    load: async () => (await import("./export.ts")).registerExport,
  },
  {
    name: "compile",
    description: "emit a standalone TypeScript module (no imports) that runs the model",
    load: async () => (await import("./compile.ts")).registerCompile,
  },
  {
    name: "data",
    description: "write a bundled dataset to disk as .npy plus sample PNGs",
    load: async () => (await import("./data.ts")).registerData,
  },
  {
    name: "fmt",
    description: "format model files (the Prettier plugin); --check lists the files that would change",
    load: async () => (await import("./fmt.ts")).registerFmt,
  },
  {
    name: "lsp",
    description: "run the language server for editors (see docs/editors.md)",
    load: async () => (await import("./lsp.ts")).registerLsp,
  },
  {
    name: "viz",
    description: "draw the model graph, or its params and MACs per layer, as SVG or PNG",
    load: async () => (await import("./viz.ts")).registerViz,
  },
  {
    name: "plot",
    description: "draw training curves from `netc train --json` logs (several overlaid)",
    load: async () => (await import("./plot.ts")).registerPlot,
  },
];

/** The command `argv` runs (`netc help X` asks about X), if any: the first word that is not an
 * option (netc's own options take no values). */
export function invokedCommand(argv: readonly string[]): string | undefined {
  const words = argv.filter((a) => !a.startsWith("-"));
  return words[0] === "help" ? words[1] : words[0];
}

/** The program with `load`ed commands registered in full and the others by name and
 * description only (enough for `netc --help` and "did you mean"). */
export async function buildProgram(load: (command: LazyCommand) => boolean = () => true): Promise<Command> {
  const program = new Command("netc")
    .description("A compiler for .net neural-network model files")
    .version("0.1.0")
    .exitOverride()
    .configureOutput({
      writeErr: (s) => process.stderr.write(s),
      // Commander's own messages ("error: unknown option ...") get the one prefix of netc's errors.
      outputError: (s, write) => write(`netc: ${s}`),
    });
  const registers = await Promise.all(COMMANDS.map((c) => (load(c) ? c.load() : undefined)));
  COMMANDS.forEach((command, i) => {
    const register = registers[i];
    if (register) register(program);
    else program.command(command.name).description(command.description);
  });
  return program;
}
