// The runtime defines its own config types (it imports nothing outside src/runtime); they must
// accept the compiler's resolved train section unchanged. This file fails to typecheck if not.
import { describe, expect, it } from "vitest";
import type { TrainConfig } from "../../src/ir/graph.ts";
import type { LossConfig } from "../../src/runtime/train/losses.ts";
import type { MetricConfig } from "../../src/runtime/train/metrics.ts";
import type { OptimizerConfig } from "../../src/runtime/train/optimizers.ts";
import type { DecayConfig, ScheduleConfig } from "../../src/runtime/train/schedules.ts";

type Assignable<From, To> = [From] extends [To] ? true : false;
const checks: true[] = [
  true as Assignable<TrainConfig["loss"], LossConfig>,
  true as Assignable<TrainConfig["optimizer"], OptimizerConfig>,
  true as Assignable<TrainConfig["decay"], DecayConfig>,
  true as Assignable<TrainConfig, ScheduleConfig>,
  true as Assignable<TrainConfig["metrics"][number], MetricConfig>,
];

describe("runtime config types", () => {
  it("accept the resolved train section", () => {
    expect(checks.every((c) => c)).toBe(true);
  });
});
