import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    pool: "forks",
    // Commands the tests spawn (bin/netc.js) run the TypeScript sources, not a stale dist/.
    env: { NETC_FROM_SOURCE: "1" },
  },
});
