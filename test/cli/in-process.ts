// Runs `netc ARGS...` inside the test process: the real entry point (src/cli/main.ts, imported
// afresh under a new query string so its top level runs again, while the command modules and
// the parser stay loaded), with process.exit, stdout and stderr captured. About 100x cheaper
// than spawning `node bin/netc.js`. Calls must not overlap (they share the process).
import { vi } from "vitest";

export interface NetcRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  /** What escaped main (a crash a user would see as a stack trace), if anything. */
  readonly crash?: unknown;
}

let runs = 0;

export async function netc(args: readonly string[], env: Record<string, string | undefined> = {}): Promise<NetcRun> {
  const out: string[] = [];
  const err: string[] = [];
  let code: number | undefined;
  const saved = { argv: process.argv, env: { ...process.env }, cwd: process.cwd() };
  const capture = (into: string[]) =>
    ((chunk: unknown, ...rest: unknown[]) => {
      into.push(typeof chunk === "string" ? chunk : Buffer.from(chunk as Uint8Array).toString("utf8"));
      const callback = rest.find((r) => typeof r === "function") as (() => void) | undefined;
      callback?.();
      return true;
    }) as never;
  const spies = [
    vi.spyOn(process.stdout, "write").mockImplementation(capture(out)),
    vi.spyOn(process.stderr, "write").mockImplementation(capture(err)),
    vi.spyOn(process, "exit").mockImplementation(((c?: number) => {
      code ??= c ?? 0;
    }) as never),
  ];
  process.argv = ["node", "netc", ...args];
  process.exitCode = undefined;
  delete process.env.FORCE_COLOR;
  process.env.NO_COLOR = "1";
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  let crash: unknown;
  try {
    const entry = new URL("../../src/cli/main.ts", import.meta.url).pathname + "?run=" + String(++runs);
    await import(/* @vite-ignore */ entry);
  } catch (e) {
    crash = e;
  } finally {
    for (const spy of spies) spy.mockRestore();
    process.argv = saved.argv;
    process.env = saved.env;
    process.exitCode = undefined;
  }
  return { code: code ?? -1, stdout: out.join(""), stderr: err.join(""), ...(crash !== undefined ? { crash } : {}) };
}
