// `npm run playground [-- --port N]`: builds the site and serves it locally with the
// cross-origin isolation headers, rebuilding when the sources change.
import { watch } from "node:fs";
import { fileURLToPath } from "node:url";
import { buildSite, SITE_DIST } from "./build-site.ts";
import { serveDirectory } from "./site-server.ts";

const root = fileURLToPath(new URL("../", import.meta.url));
const portArg = process.argv.indexOf("--port");
const port = portArg >= 0 ? Number(process.argv[portArg + 1]) : 8080;
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  process.stderr.write(`netc: error: --port must be a port number (0-65535), got ${process.argv[portArg + 1]}\n`);
  process.exit(2);
}

await buildSite({ minify: false });
const { url } = await serveDirectory(SITE_DIST, port).catch((error: Error) => {
  process.stderr.write(`netc: error: cannot serve on port ${port}: ${error.message}; pick another with --port N\n`);
  process.exit(1);
});
process.stdout.write(`netc playground on ${url} (rebuilds when site/, src/ or examples/ change; Ctrl-C stops)\n`);

let timer: NodeJS.Timeout | undefined;
let building = Promise.resolve();
for (const dir of ["site", "src", "examples"]) {
  watch(`${root}${dir}`, { recursive: true }, (_event, file) => {
    if (file?.startsWith("dist")) return;
    clearTimeout(timer);
    timer = setTimeout(() => {
      building = building
        .then(() => buildSite({ minify: false }))
        .then(
          () => void process.stdout.write(`rebuilt (${file})\n`),
          (error: Error) => void process.stderr.write(`netc: error: rebuilding failed: ${error.message}\n`),
        );
    }, 200);
  });
}
