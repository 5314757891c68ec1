// Finds a Python with PyTorch (`.ci/run` installs Debian's python3-torch when none has it) and
// runs the generated packages in it. The tests fail, not skip, when there is none.
import { spawnSync, type SpawnSyncReturns } from "node:child_process";

const CANDIDATES = [process.env.NETC_PYTHON, "python3", "/usr/bin/python3"].filter((p): p is string => !!p);

let found: string | undefined;

/** The first interpreter that can `import torch`, or undefined (the benches then skip PyTorch). */
export function findTorchPython(): string | undefined {
  found ??= CANDIDATES.find((python) => spawnSync(python, ["-c", "import torch, numpy"], { stdio: "ignore" }).status === 0);
  return found;
}

/** The first interpreter that can `import torch`. */
export function torchPython(): string {
  const found = findTorchPython();
  if (found === undefined)
    throw new Error(`no Python with torch and numpy among ${CANDIDATES.join(", ")}; install python3-torch (see .ci/run)`);
  return found;
}

/** Runs Python (one thread, as the machine is shared) and fails with its stderr when it does. */
export function runPython(args: readonly string[], options: { cwd?: string; timeout?: number } = {}): SpawnSyncReturns<string> {
  const result = spawnSync(torchPython(), args, {
    cwd: options.cwd,
    encoding: "utf8",
    timeout: options.timeout ?? 300_000,
    env: { ...process.env, OMP_NUM_THREADS: "1", PYTHONDONTWRITEBYTECODE: "1" },
  });
  if (result.status !== 0)
    throw new Error(`python ${args.join(" ")} exited with ${result.status}:\n${result.stderr}${result.stdout}`);
  return result;
}
