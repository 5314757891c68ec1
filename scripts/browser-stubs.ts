// For browser bundles (dist/browser.js, the playground's site): Node's built-in modules become
// stand-ins whose functions throw.
import type { Plugin } from "esbuild";
import { builtinModules } from "node:module";

/** In the browser bundle, Node's built-in modules become stand-ins whose functions throw: the
 * file-reading paths (a weights file by name, checkpoints, the MNIST files) say they need Node,
 * while everything the browser entry offers works on bytes and arrays. */
export const BROWSER_STUBS: Plugin = {
  name: "browser-stubs",
  setup(b) {
    const builtins = new RegExp(`^(node:)?(${builtinModules.map((m) => m.replaceAll("/", "\\/")).join("|")})$`);
    b.onResolve({ filter: builtins }, (args) => ({ path: args.path.replace(/^node:/, ""), namespace: "node-stub" }));
    b.onLoad({ filter: /.*/, namespace: "node-stub" }, async (args) => {
      const names = Object.keys(await import(`node:${args.path}`)).filter((n) => n !== "default" && /^[A-Za-z_$][\w$]*$/.test(n));
      const lines = names.map((n) => `export const ${n} = unavailable(${JSON.stringify(n)});`);
      return {
        contents: `function unavailable(name) {
  return function () { throw new Error("netc/browser: node:${args.path} " + name + " needs Node; pass bytes instead of file names"); };
}
${lines.join("\n")}
export default {};
`,
        loader: "js",
      };
    });
  },
};
