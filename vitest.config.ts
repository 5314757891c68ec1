import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  // Imports of the package's own entries (netc/prettier) run the sources, as tsconfig's paths.
  resolve: {
    alias: {
      "netc/browser": fileURLToPath(new URL("./src/browser.ts", import.meta.url)),
      "netc/prettier": fileURLToPath(new URL("./src/prettier.ts", import.meta.url)),
      netc: fileURLToPath(new URL("./src/index.ts", import.meta.url)),
    },
  },
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    pool: "forks",
    // Commands the tests spawn (bin/netc.js) run the TypeScript sources, not a stale dist/.
    env: { NETC_FROM_SOURCE: "1" },
  },
});
