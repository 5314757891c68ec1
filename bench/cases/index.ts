// Every benchmark case, in the order `npm run bench` runs them. To add one, write
// bench/cases/<name>.ts exporting a BenchCase and list it here.
import type { BenchCase } from "../harness.ts";
import { charGptTrainCase } from "./char-gpt-train.ts";
import { cifarResnetTrainCase, mobilenetTrainCase } from "./cnn-train.ts";
import { emittedCase } from "./emitted.ts";
import { gemmCase } from "./gemm.ts";
import { layersCase } from "./layers.ts";
import { lenetTrainCase } from "./lenet-train.ts";
import { mobilenetCase } from "./mobilenet.ts";
import { vitForwardCase } from "./vit-forward.ts";
import { lspCase, parseCheckCase } from "./parse-check.ts";
import { playgroundCase } from "./playground.ts";
import { startupCase } from "./startup.ts";
import { vizCase } from "./viz.ts";

export const CASES: readonly BenchCase[] = [
  mobilenetCase,
  lenetTrainCase,
  charGptTrainCase,
  cifarResnetTrainCase,
  mobilenetTrainCase,
  vitForwardCase,
  gemmCase,
  layersCase,
  parseCheckCase,
  lspCase,
  emittedCase,
  vizCase,
  startupCase,
  playgroundCase,
];
