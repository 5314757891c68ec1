// When diagnostics are computed: at once after an edit when idle, and edits made while an
// analysis runs coalesced into one more run for the newest text.
import { describe, expect, it } from "vitest";
import { DiagnosticsScheduler } from "../../src/lsp/diagnostics-scheduler.ts";

/** A `run` whose calls stay pending until the test ends them. */
function controlledRuns() {
  const calls: { uri: string; end: () => Promise<void>; fail: () => Promise<void> }[] = [];
  const run = (uri: string) =>
    new Promise<void>((resolve, reject) => {
      // Ending a run lets the scheduler's continuation (a microtask) happen before we look.
      const settle = (f: () => void) => async () => {
        f();
        await new Promise((r) => setImmediate(r));
      };
      calls.push({ uri, end: settle(resolve), fail: settle(() => reject(new Error("boom"))) });
    });
  return { calls, run };
}

describe("DiagnosticsScheduler", () => {
  it("runs at once, synchronously, when the document is idle", () => {
    const { calls, run } = controlledRuns();
    const scheduler = new DiagnosticsScheduler(run);
    scheduler.changed("a");
    expect(calls.map((c) => c.uri)).toEqual(["a"]);
  });

  it("coalesces every edit made during a run into exactly one more run", async () => {
    const { calls, run } = controlledRuns();
    const scheduler = new DiagnosticsScheduler(run);
    scheduler.changed("a");
    scheduler.changed("a");
    scheduler.changed("a");
    scheduler.changed("a");
    expect(calls).toHaveLength(1);
    await calls[0]!.end();
    expect(calls).toHaveLength(2);
    await calls[1]!.end();
    expect(calls).toHaveLength(2);
    // Idle again: the next edit runs at once.
    scheduler.changed("a");
    expect(calls).toHaveLength(3);
  });

  it("keeps documents apart", async () => {
    const { calls, run } = controlledRuns();
    const scheduler = new DiagnosticsScheduler(run);
    scheduler.changed("a");
    scheduler.changed("b");
    scheduler.changed("a");
    expect(calls.map((c) => c.uri)).toEqual(["a", "b"]);
    await calls[1]!.end();
    expect(calls.map((c) => c.uri)).toEqual(["a", "b"]);
    await calls[0]!.end();
    expect(calls.map((c) => c.uri)).toEqual(["a", "b", "a"]);
  });

  it("drops the coalesced run of a document closed meanwhile", async () => {
    const { calls, run } = controlledRuns();
    const scheduler = new DiagnosticsScheduler(run);
    scheduler.changed("a");
    scheduler.changed("a");
    scheduler.closed("a");
    await calls[0]!.end();
    expect(calls).toHaveLength(1);
  });

  it("carries on after a run that fails", async () => {
    const { calls, run } = controlledRuns();
    const scheduler = new DiagnosticsScheduler(run);
    scheduler.changed("a");
    scheduler.changed("a");
    await calls[0]!.fail();
    expect(calls).toHaveLength(2);
    await calls[1]!.end();
    scheduler.changed("a");
    expect(calls).toHaveLength(3);
  });
});
