// `npm run pictures [-- --train]`: regenerates the pictures in docs/images with the netc commands
// themselves. The LeNet-5 curves are redrawn from the saved training log (docs/images/lenet5-run.ndjson);
// --train first retrains LeNet-5 on the bundled MNIST (5 epochs, a few minutes) and saves a new log.
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const images = "docs/images";

function netc(...args: string[]): string {
  console.log(`netc ${args.join(" ")}`);
  const r = spawnSync(process.execPath, ["bin/netc.js", ...args], { encoding: "utf8", maxBuffer: 64 << 20 });
  if (r.status !== 0) {
    process.stderr.write(r.stderr);
    process.exit(r.status ?? 1);
  }
  return r.stdout;
}

netc("viz", "examples/resnet18.net", "-o", `${images}/resnet18.svg`);
netc("viz", "examples/unet_small.net", "--expand", "-o", `${images}/unet-small-expanded.svg`);
netc("viz", "examples/mobilenet_v1.net", "--costs", "-o", `${images}/mobilenet-costs.svg`);
netc("viz", "examples/mobilenet_table3.net", "--costs", "-o", `${images}/mobilenet-table3.svg`);

const log = `${images}/lenet5-run.ndjson`;
if (process.argv.includes("--train")) {
  const weights = join(mkdtempSync(join(tmpdir(), "netc-pictures-")), "lenet5.safetensors");
  writeFileSync(log, netc("train", "examples/lenet5.net", "--data", "mnist", "--json", "--out", weights));
}
netc("plot", log, "--title", "LeNet-5 on MNIST", "-o", `${images}/lenet5-curves.svg`);
