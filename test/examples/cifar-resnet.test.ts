// examples/cifar_resnet.net is the network of the CIFAR training benchmark: its totals from
// `netc summary` (the real CLI) must equal those PyTorch counts for the same network built from
// torch.nn (test/fixtures/train/cifar_resnet_torch_reference.py --counts wrote the fixture).
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { expect, it } from "vitest";

const root = join(import.meta.dirname, "../..");
const reference = JSON.parse(readFileSync(join(root, "test/fixtures/train/cifar_resnet_counts.json"), "utf8")) as {
  params: { total: number; trainable: number; non_trainable: number };
  macs: number;
};

it("cifar_resnet.net: PyTorch's 309,994 params (1,344 running statistics) and 49,120,512 MACs", async () => {
  const { stdout } = await promisify(execFile)("node", ["bin/netc.js", "summary", "examples/cifar_resnet.net", "--json"], { cwd: root, encoding: "utf8" });
  const s = JSON.parse(stdout);
  expect(s.params).toEqual(reference.params);
  expect(s.macs).toBe(reference.macs);
  expect([s.input, s.output]).toEqual([[[32, 32, 3]], [[10]]]);
  // The figures, so that a changed fixture cannot quietly move the target.
  expect([reference.params.total, reference.macs]).toEqual([309_994, 49_120_512]);
});
