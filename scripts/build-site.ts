// `npm run build:site`: the playground as a static site in site/dist/ (index.html, style.css,
// main.js and the two workers' bundles with their shared chunks, mnist.bin), which any static
// host can serve. For cross-origin isolation (SharedArrayBuffer) it also writes _headers, the
// COOP/COEP headers in the format of Netlify and Cloudflare Pages; `npm run playground` serves
// them itself.
import { build, type Plugin } from "esbuild";
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import { keywordTokens } from "../grammar/tokens.ts";
import { ops } from "../src/check/ops/registry.ts";
import { loadMnist } from "../src/data/mnist.ts";
import { BROWSER_STUBS } from "./browser-stubs.ts";
import { embeddedSourcesModule } from "./embedded-sources.ts";

const root = fileURLToPath(new URL("../", import.meta.url));
export const SITE_DIST = join(root, "site", "dist");

/** Headers every response of the site carries: cross-origin isolation. */
export const ISOLATION_HEADERS = {
  "Cross-Origin-Opener-Policy": "same-origin",
  "Cross-Origin-Embedder-Policy": "require-corp",
} as const;

/** The runtime's sources embedded (emitted modules inline them); Prettier left out (emitted
 * modules come as assembled). */
const SITE_MODULES: Plugin = {
  name: "site-modules",
  setup(b) {
    b.onLoad({ filter: /[\\/]backends[\\/]emit-ts[\\/]runtime-source\.ts$/ }, () => ({ contents: embeddedSourcesModule(), loader: "js" }));
    b.onLoad({ filter: /[\\/]backends[\\/]emit-ts[\\/]format-ts\.ts$/ }, () => ({
      contents: "export async function formatTypeScript(code) { return code; }\n",
      loader: "js",
    }));
  },
};

function examples(): Record<string, string> {
  const dir = join(root, "examples");
  return Object.fromEntries(
    readdirSync(dir)
      .filter((f) => f.endsWith(".net"))
      .sort()
      .map((f) => [basename(f, ".net"), readFileSync(join(dir, f), "utf8")]),
  );
}

const KEYWORDS = [...keywordTokens.map((t) => (t.PATTERN as RegExp).source), "true", "false"];

/** mnist.bin: the digits of `netc train --data mnist`, in its order (see site/src/mnist-data.ts). */
function writeMnist(out: string): void {
  const { train, validation } = loadMnist();
  const parts = [train, validation!];
  const count = train.count + validation!.count;
  const pixels = new Uint16Array(count * 784);
  const labels = new Uint8Array(count);
  let at = 0;
  for (const part of parts) {
    for (let i = 0; i < part.x.length; i++) {
      const k = Math.round(part.x[i]! * 1000);
      // The package's values are thousandths; anything else would not come back exactly.
      if (Math.fround(k / 1000) !== part.x[i]) throw new Error(`mnist value ${part.x[i]} is not a thousandth`);
      pixels[at * 784 + i] = k;
    }
    labels.set(part.labels.data as Int32Array, at);
    at += part.count;
  }
  writeFileSync(out, Buffer.concat([Buffer.from(pixels.buffer), Buffer.from(labels.buffer)]));
}

export interface SiteBuild {
  readonly files: readonly string[];
}

export async function buildSite(options: { minify?: boolean } = {}): Promise<SiteBuild> {
  const out = SITE_DIST;
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  await build({
    entryPoints: {
      main: join(root, "site/src/main.ts"),
      "analysis-worker": join(root, "site/src/analysis-worker.ts"),
      "train-worker": join(root, "site/src/train-worker.ts"),
    },
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    minify: options.minify ?? true,
    legalComments: "none",
    logLevel: "warning",
    outdir: out,
    chunkNames: "chunk-[hash]",
    // The language server's features import its protocol's types and enums from
    // vscode-languageserver; in a page they come from its browser-ready types package.
    alias: { "vscode-languageserver": "vscode-languageserver-types" },
    define: {
      __NETC_EXAMPLES__: JSON.stringify(examples()),
      __NETC_KEYWORDS__: JSON.stringify(KEYWORDS),
      __NETC_OPS__: JSON.stringify(Object.keys(ops)),
    },
    plugins: [SITE_MODULES, BROWSER_STUBS],
  });
  for (const file of ["index.html", "style.css"]) copyFileSync(join(root, "site", file), join(out, file));
  writeFileSync(join(out, "_headers"), `/*\n${Object.entries(ISOLATION_HEADERS).map(([k, v]) => `  ${k}: ${v}`).join("\n")}\n`);
  writeMnist(join(out, "mnist.bin"));
  return { files: readdirSync(out).sort() };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { files } = await buildSite();
  process.stderr.write(`built site/dist/: ${files.join(", ")}\n`);
}
