// The playground's budgets (docs/playground.md), in Debian's chromium driven by playwright-core
// on the built site: LeNet-5's first epoch on MNIST in the page (1 and 2 kernel threads) against
// `netc train examples/lenet5.net --data mnist --epochs 1` — the same data, order, seed and
// result — alternated so load on the machine hits both alike; and the first diagnostics after
// page load. Timings are epoch seconds as each reports them (images/s = 8,000 / seconds).
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Browser } from "playwright-core";
import { buildSite, SITE_DIST } from "../../scripts/build-site.ts";
import { serveDirectory } from "../../scripts/site-server.ts";
import type { BenchCase, CaseResult, Measurement, Timing } from "../harness.ts";

const root = fileURLToPath(new URL("../../", import.meta.url));
const CHROMIUM = process.env.NETC_CHROMIUM ?? "/usr/bin/chromium";

function timing(values: readonly number[]): Timing {
  const sorted = [...values].sort((a, b) => a - b);
  return { medianMs: sorted[Math.floor(sorted.length / 2)]!, minMs: sorted[0]!, maxMs: sorted[sorted.length - 1]!, runs: sorted.length };
}

/** One epoch of `netc train` (from the sources, as the site bundles them): its seconds and accuracy. */
function cliEpoch(out: string): { ms: number; accuracy: number } {
  const run = spawnSync(process.execPath, ["bin/netc.js", "train", "examples/lenet5.net", "--data", "mnist", "--epochs", "1", "--json", "--out", join(out, "w.safetensors")], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, NETC_FROM_SOURCE: "1" },
  });
  if (run.status !== 0) throw new Error(`netc train failed: ${run.stderr}`);
  const epoch = run.stdout.split("\n").filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>).find((e) => e.event === "epoch")!;
  return { ms: Number(epoch.seconds) * 1000, accuracy: Number((epoch.val as Record<string, number>).accuracy) };
}

async function pageEpoch(browser: Browser, url: string, threads: 1 | 2): Promise<{ ms: number; accuracy: number; firstDiagnosticsMs: number }> {
  const page = await browser.newPage();
  try {
    await page.goto(url);
    await page.locator('[data-total="params-total"]').waitFor({ timeout: 30_000 });
    const firstDiagnosticsMs = Number(await page.locator("body").getAttribute("data-first-diagnostics"));
    await page.click('[data-tab="train"]');
    await page.fill('[data-train="epochs"]', "1");
    await page.selectOption('[data-train="threads"]', String(threads));
    await page.click('[data-train="train"]');
    const line = page.locator('[data-train="epochs-log"] li').first();
    await line.waitFor({ timeout: 300_000 });
    const imagesPerSecond = Number(await line.getAttribute("data-images-per-second"));
    return { ms: (8000 / imagesPerSecond) * 1000, accuracy: Number(await line.getAttribute("data-accuracy")), firstDiagnosticsMs };
  } finally {
    await page.close();
  }
}

export const playgroundCase: BenchCase = {
  name: "playground",
  async run(ctx) {
    if (!existsSync(CHROMIUM)) {
      ctx.log(`  skipped: no chromium at ${CHROMIUM} (apt-get install chromium)`);
      return [];
    }
    await buildSite();
    const { server, url } = await serveDirectory(SITE_DIST, 0);
    const browser = await chromium.launch({ executablePath: CHROMIUM });
    const out = mkdtempSync(join(tmpdir(), "netc-bench-playground-"));
    const runs = ctx.quick ? 1 : 3;
    const cli: number[] = [];
    const page1: number[] = [];
    const page2: number[] = [];
    const diagnostics: number[] = [];
    const accuracies = new Set<number>();
    try {
      for (let i = 0; i < runs; i++) {
        const c = cliEpoch(out);
        const p1 = await pageEpoch(browser, url, 1);
        const p2 = await pageEpoch(browser, url, 2);
        cli.push(c.ms);
        page1.push(p1.ms);
        page2.push(p2.ms);
        diagnostics.push(p1.firstDiagnosticsMs, p2.firstDiagnosticsMs);
        [c, p1, p2].forEach((r) => accuracies.add(r.accuracy));
        ctx.log(`  run ${i + 1}/${runs}: netc train ${c.ms.toFixed(0)} ms, page 1 thread ${p1.ms.toFixed(0)} ms, 2 threads ${p2.ms.toFixed(0)} ms`);
      }
    } finally {
      await browser.close();
      server.close();
      rmSync(out, { recursive: true, force: true });
    }
    const base = timing(cli);
    const rate = (t: Timing) => `${Math.round(8000 / (t.medianMs / 1000)).toLocaleString("en-US")} img/s`;
    const versus = (t: Timing): Partial<Measurement> => ({ ratioToNetc: t.medianMs / base.medianMs });
    const t1 = timing(page1);
    const t2 = timing(page2);
    const train: CaseResult = {
      name: "playground-train",
      description: `LeNet-5, one epoch of the bundled MNIST (8,000 images), batch 32; validation accuracy ${[...accuracies].join(" / ")} in every run`,
      measurements: [
        { implementation: "netc train (CLI, 1 thread)", threads: 1, baseline: true, timing: base, note: rate(base) },
        { implementation: "playground in chromium (1 thread)", threads: 1, timing: t1, note: `${rate(t1)} = ${((100 * base.medianMs) / t1.medianMs).toFixed(0)}% of netc train`, ...versus(t1) },
        { implementation: "playground in chromium (2 threads)", threads: 2, timing: t2, note: `${rate(t2)} = ${((100 * base.medianMs) / t2.medianMs).toFixed(0)}% of netc train`, ...versus(t2) },
      ],
    };
    const first: CaseResult = {
      name: "playground-first-diagnostics",
      description: "page load (navigation start) to the first diagnostics of examples/lenet5.net; budget 1,500 ms",
      measurements: [{ implementation: "playground in chromium", threads: 1, timing: timing(diagnostics) }],
    };
    return [train, first];
  },
};
