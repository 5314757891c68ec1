// `npm run build` (also run by `prepare`, so `npm ci` in a clone and `npm pack` build it): the
// package's dist/, which bin/netc.js and the package's exports point at.
//   - dist/cli.js, index.js, prettier.js and their shared chunks: the Node entries, bundled by
//     esbuild (ESM; dependencies stay imports). Commands are separate chunks, loaded on use.
//   - dist/browser.js: the `netc/browser` entry, with no `node:` imports (see BROWSER_STUBS).
//   - dist/analysis-worker.js: the language server's analysis worker (sharing the chunks), which
//     src/lsp/worker-bundle.ts starts instead of bundling it at start-up.
//   - dist/runtime-sources.js: the runtime's TypeScript sources that `netc compile` links, with
//     their parses, embedded since the package ships neither .ts files nor TypeScript
//     (scripts/embedded-sources.ts).
//   - dist/**/*.d.ts: declarations from tsc (tsconfig.build.json).
import { build, type Plugin } from "esbuild";
import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { BROWSER_STUBS } from "./browser-stubs.ts";
import { embeddedSourcesModule } from "./embedded-sources.ts";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../", import.meta.url));
const src = `${root}src/`;
const dist = `${root}dist/`;

/** dist/runtime-sources.js, which stands in for src/backends/emit-ts/runtime-source.ts in every
 * entry (see scripts/embedded-sources.ts: the texts deflated, inflated on first use). */
function writeEmbeddedSources(): void {
  writeFileSync(`${dist}${EMBEDDED_SOURCES}`, embeddedSourcesModule());
}

const EMBEDDED_SOURCES = "runtime-sources.js";

/** Imports of runtime-source.ts become imports of dist/runtime-sources.js (dist/ is flat). */
const EMBED_SOURCES: Plugin = {
  name: "embed-sources",
  setup(b) {
    b.onResolve({ filter: /\/runtime-source\.ts$/ }, () => ({ path: `./${EMBEDDED_SOURCES}`, external: true }));
  },
};

/** Replaces modules (matched by their path's end) with generated contents. */
function replaceModules(replacements: Record<string, () => string>): Plugin {
  return {
    name: "replace-modules",
    setup(b) {
      for (const [suffix, contents] of Object.entries(replacements)) {
        const filter = new RegExp(`${suffix.replaceAll(".", "\\.").replaceAll("/", "[\\\\/]")}$`);
        b.onLoad({ filter }, () => ({ contents: contents(), loader: "js", resolveDir: src }));
      }
    },
  };
}

/** What stays an import: the package's dependencies and peer dependencies. The rest is bundled,
 * tree-shaken: Chevrotain and its lodash-es would otherwise be loaded by Node as some 300 small
 * modules on every start. */
const manifest = JSON.parse(readFileSync(`${root}package.json`, "utf8")) as Record<string, Record<string, string> | undefined>;
const external = [
  ...Object.keys(manifest.dependencies ?? {}),
  ...Object.keys(manifest.peerDependencies ?? {}),
  // Only imported when run from the sources (src/lsp/worker-bundle.ts); never from dist/.
  "esbuild",
].flatMap((name) => [name, `${name}/*`]);

// Minified to keep the package within its size budget (1.5 MB unpacked). Not keepNames: its
// wrappers around every closure slow the parser down (see src/lsp/worker-bundle.ts).
/** The CommonJS dependencies (vscode-languageserver: ~60 modules) are loaded with require(), not
 * import: an import makes Node scan each module's source for its exports first (~60 ms of the
 * language server's start-up). */
const REQUIRE_CJS: Plugin = {
  name: "require-cjs",
  setup(b) {
    b.onResolve({ filter: /^vscode-languageserver/ }, (args) =>
      args.namespace === "require-cjs" ? { path: args.path, external: true } : { path: args.path, namespace: "require-cjs" },
    );
    b.onLoad({ filter: /.*/, namespace: "require-cjs" }, (args) => ({
      contents: `module.exports = require(${JSON.stringify(args.path)});`,
      loader: "js",
    }));
  },
};

/** The PyTorch package's fixed Python files, embedded (dist/ holds no .py files). */
const EMBED_PYTHON = replaceModules({
  "backends/pytorch/python-files.ts": () => {
    const folder = `${src}backends/pytorch/python/`;
    const texts = Object.fromEntries(readdirSync(folder).filter((f) => f.endsWith(".py")).map((f) => [f, readFileSync(`${folder}${f}`, "utf8")]));
    return `const TEXTS = ${JSON.stringify(texts)};\nexport function pythonFile(name) { return TEXTS[name]; }\n`;
  },
});

const common = { bundle: true, target: "es2022", logLevel: "warning", legalComments: "none", minify: true } as const;

rmSync(dist, { recursive: true, force: true });
mkdirSync(dist);
writeEmbeddedSources();

await build({
  ...common,
  entryPoints: {
    cli: `${src}cli/main.ts`,
    index: `${src}index.ts`,
    prettier: `${src}prettier.ts`,
    "analysis-worker": `${src}lsp/analysis-worker.ts`,
  },
  platform: "node",
  format: "esm",
  splitting: true,
  external,
  outdir: dist,
  // For REQUIRE_CJS.
  banner: { js: 'import{createRequire as __netcRequire}from"node:module";const require=__netcRequire(import.meta.url);' },
  // Flat: src/lsp/worker-bundle.ts finds analysis-worker.js next to whichever file it is in.
  chunkNames: "[name]-[hash]",
  plugins: [EMBED_SOURCES, REQUIRE_CJS, EMBED_PYTHON],
});

await build({
  ...common,
  entryPoints: { browser: `${src}browser.ts` },
  platform: "browser",
  format: "esm",
  external,
  outdir: dist,
  plugins: [
    EMBED_SOURCES,
    replaceModules({
      // Prettier is not bundled for the browser: emitted modules come as assembled.
      "backends/emit-ts/format-ts.ts": () => "export async function formatTypeScript(code) { return code; }\n",
    }),
    EMBED_PYTHON,
    BROWSER_STUBS,
  ],
});

execFileSync(process.execPath, [`${root}node_modules/typescript/bin/tsc`, "-p", `${root}tsconfig.build.json`], { stdio: "inherit" });
keepDeclarationsOf(["src/index.d.ts", "src/browser.d.ts", "src/prettier.d.ts"]);

/** Keeps the declarations the entries' types reach (rewriting tsc's `.ts` import specifiers to
 * the `.js` ones consumers resolve); deletes the rest (the CLI's, the language server's). */
function keepDeclarationsOf(entries: string[]): void {
  const types = `${dist}types/`;
  const kept = new Set<string>();
  const visit = (file: string) => {
    if (kept.has(file)) return;
    kept.add(file);
    const text = readFileSync(`${types}${file}`, "utf8");
    const specifier = /((?:from |import\()["'])(\.{1,2}\/[^"']*)\.ts(["'])/g;
    for (const [, , spec] of text.matchAll(specifier)) visit(new URL(`${spec}.d.ts`, `netc:/${file}`).pathname.slice(1));
    writeFileSync(`${types}${file}`, text.replace(specifier, "$1$2.js$3"));
  };
  entries.forEach(visit);
  for (const file of readdirSync(types, { recursive: true, encoding: "utf8" }))
    if (file.endsWith(".d.ts") && !kept.has(file.replaceAll("\\", "/"))) rmSync(`${types}${file}`);
}
// On stderr: `npm pack --json` passes this script's stdout through into its JSON.
process.stderr.write("built dist/\n");
