// "Change, then start a run" is one action (issue 16 point 8): the change belongs to the
// new run only, and a run's figures are cut at its config changes.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEFAULT_CLUSTER_CONFIG } from "@driftscope/protocol";
import { afterEach, describe, expect, it } from "vitest";
import { CollectorCore } from "../CollectorCore.js";
import { CollectorMetrics } from "../prometheus.js";
import { Recorder } from "../recordings/Recorder.js";
import { RunStore } from "../recordings/RunStore.js";

let dir: string | undefined;
afterEach(() => {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

function setup() {
  dir = mkdtempSync(join(tmpdir(), "driftscope-runstart-"));
  const store = new RunStore(join(dir, "r.db"));
  const recorder = new Recorder(store, { retention: { maxRuns: 50, maxBytes: 1e9 }, collectorVersion: "test", protocol: 1 });
  const core = new CollectorCore({ config: DEFAULT_CLUSTER_CONFIG, reportIntervalMs: 100, recorder, metrics: new CollectorMetrics() });
  return { core, recorder, store };
}

describe("run start with a config", () => {
  it("CL-R1: a run started with a config change records the change in the new run only, as its starting config", () => {
    const { core, recorder, store } = setup();
    const first = core.runControl("start", "interval 1000", 1000);
    expect(first.ok).toBe(true);
    const second = core.runControl("start", "interval 200", 5000, { gossip: { intervalMs: 200 } });
    expect(second.ok && second.run?.name).toBe("interval 200");
    recorder.flush(6000);
    const runs = store.listRuns();
    const [newer, older] = runs;
    expect(store.configs(older!.id).map((c) => JSON.parse(c.configJson).gossip.intervalMs)).toEqual([1000]);
    expect(store.configs(newer!.id).map((c) => JSON.parse(c.configJson).gossip.intervalMs)).toEqual([200]);
    expect(core.config.gossip.intervalMs).toBe(200);
  });

  it("CL-R2: an invalid config refuses the whole action: the running run goes on, nothing changes", () => {
    const { core, recorder } = setup();
    core.runControl("start", "first", 1000);
    const version = core.config.version;
    const refused = core.runControl("start", "bad", 2000, { gossip: { fanout: 0 } });
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.error.issues?.[0]?.path).toBe("gossip.fanout");
    expect(recorder.current?.name).toBe("first");
    expect(core.config.version).toBe(version);
  });

  it("CL-R3: a run's convergence is cut at its config changes: each segment counts the updates issued under its config", () => {
    const { core, recorder, store } = setup();
    const run = core.runControl("start", "two configs", 0);
    if (!run.ok || run.run === null) throw new Error("no run");
    core.changeConfig({ gossip: { intervalMs: 100 } }, 10_000, "test");
    recorder.addSamples([
      { origin: "a", seq: 1, issuedAtMs: 1000, convergenceMs: 900 },
      { origin: "a", seq: 2, issuedAtMs: 2000, convergenceMs: 1100 },
      { origin: "a", seq: 3, issuedAtMs: 11_000, convergenceMs: 90 },
      { origin: "a", seq: 4, issuedAtMs: 12_000, convergenceMs: 110 },
    ]);
    core.runControl("stop", undefined, 20_000);
    const segments = store.segments(run.run.id);
    expect(segments.map((s) => [s.fromMs, s.toMs, s.convergence.count, s.convergence.max])).toEqual([
      [0, 10_000, 2, 1100],
      [10_000, 20_000, 2, 110],
    ]);
  });
});
