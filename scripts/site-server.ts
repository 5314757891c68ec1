// A static file server for the playground's site/dist/ with the cross-origin isolation headers
// (so the page gets SharedArrayBuffer), used by `npm run playground` and the browser tests.
import { createServer, type Server } from "node:http";
import { readFile } from "node:fs/promises";
import { extname, join, normalize } from "node:path";
import { ISOLATION_HEADERS } from "./build-site.ts";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".bin": "application/octet-stream",
  ".svg": "image/svg+xml",
};

/** Serves `dir` on `port` (0: any free port) of 127.0.0.1; resolves once listening. */
export function serveDirectory(dir: string, port: number): Promise<{ server: Server; url: string }> {
  const server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? "/", "http://localhost").pathname);
    const file = normalize(join(dir, path.endsWith("/") ? `${path}index.html` : path));
    if (!file.startsWith(normalize(dir))) {
      response.writeHead(403).end();
      return;
    }
    readFile(file).then(
      (body) => {
        response.writeHead(200, {
          "Content-Type": TYPES[extname(file)] ?? "application/octet-stream",
          "Cache-Control": "no-cache",
          ...ISOLATION_HEADERS,
        });
        response.end(body);
      },
      () => response.writeHead(404, { "Content-Type": "text/plain" }).end(`not found: ${path}\n`),
    );
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      const address = server.address();
      const actual = typeof address === "object" && address ? address.port : port;
      resolve({ server, url: `http://127.0.0.1:${actual}/` });
    });
  });
}
