// The auto-tuner on the collector's core: its changes are ordinary, labelled config changes;
// a person's change of the interval or fanout pauses it; resuming is one request.
import { DEFAULT_CLUSTER_CONFIG } from "@driftscope/protocol";
import { describe, expect, it } from "vitest";
import { helloMsg, replicaReport, reportMsg } from "../../test/harness.js";
import { CollectorCore } from "../CollectorCore.js";
import { CollectorMetrics } from "../prometheus.js";

const ids = Array.from({ length: 8 }, (_, i) => `r${i}`);

/** A cluster whose replicas run whatever config is current, issue 1 update/s each, and converge in `convergeMs`. */
function drive(core: CollectorCore, fromMs: number, toMs: number, convergeMs: number, seqs: number[]): void {
  let reportSeq = Math.floor(fromMs / 100) + 1;
  for (let t = fromMs; t < toMs; t += 100) {
    const version = core.config.version;
    const entries = ids.map((id, i) => {
      if (t % 1000 === i * 100) seqs[i]!++;
      const vv = ids.map((o, j) => [o, Math.max(0, seqs[j]! - (t % 1000 < convergeMs / 10 ? 1 : 0))] as [string, number]);
      vv[i] = [id, seqs[i]!];
      return replicaReport(id, seqs[i]!, vv, { full: true, configVersion: version, issued: t % 1000 === i * 100 ? [[seqs[i]!, t]] : [] });
    });
    core.report(reportMsg("a", reportSeq++, entries, { timeMs: t }), "http", t);
    core.tick(t);
  }
}

describe("the tuner on the core", () => {
  it("CL-TU1: switched on, it changes the config the ordinary way, labelled; its state rides in frames", () => {
    const core = new CollectorCore({ config: DEFAULT_CLUSTER_CONFIG, reportIntervalMs: 100, recorder: null, metrics: new CollectorMetrics() });
    core.hello(helloMsg("a", ids, { capabilities: ["gossip"] }), "http", null, 0);
    const seqs = ids.map(() => 0);
    drive(core, 0, 3000, 300, seqs);
    expect(core.tuner.set({ enabled: false }).ok).toBe(true);
    expect(core.tuner.set({ enabled: true })).toMatchObject({ ok: false, path: "target" });
    const on = core.tuner.set({ enabled: true, target: { p95Ms: 100, intervalMs: { min: 10, max: 10_000 }, fanout: { min: 1, max: 8 } } });
    expect(on.ok).toBe(true);
    const version = core.config.version;
    drive(core, 3000, 8000, 300, seqs);
    expect(core.config.version).toBeGreaterThan(version);
    expect(core.config.gossip.intervalMs).toBeLessThan(DEFAULT_CLUSTER_CONFIG.gossip.intervalMs);
    const change = core.snapshot(8000).events.find((e) => e.kind === "config" && e.version === version + 1)!;
    expect(change.detail).toMatch(/^by the tuner: /);
    const frame = core.tick(8000);
    expect(frame.tuner).toMatchObject({ enabled: true, lastChange: { version: version + 1 } });
  });

  it("CL-TU2: a person's change of the interval pauses it, saying who and what; resuming takes its target back", () => {
    const core = new CollectorCore({ config: DEFAULT_CLUSTER_CONFIG, reportIntervalMs: 100, recorder: null, metrics: new CollectorMetrics() });
    core.hello(helloMsg("a", ids, { capabilities: ["gossip"] }), "http", null, 0);
    core.tuner.set({ enabled: true, target: { p95UpdatePeriods: 2, intervalMs: { min: 10, max: 10_000 }, fanout: { min: 1, max: 8 } } });
    core.changeConfig({ workload: { updatesPerSecPerReplica: 3 } }, 100, "HTTP 127.0.0.1"); // not the interval: no pause
    expect(core.tuner.state().state).not.toBe("paused");
    core.changeConfig({ gossip: { intervalMs: 250 } }, 200, "dashboard d1");
    expect(core.tuner.state()).toMatchObject({ state: "paused", paused: expect.stringMatching(/^paused: dashboard d1 changed gossip\.intervalMs \(v\d+\); resume/) });
    const seqs = ids.map(() => 0);
    const version = core.config.version;
    drive(core, 300, 4000, 300, seqs);
    expect(core.config.version).toBe(version); // paused: it changes nothing
    expect(core.tuner.set({ enabled: true })).toMatchObject({ ok: true, state: { enabled: true, paused: null, target: { p95UpdatePeriods: 2 } } });
    expect(core.tuner.set({ enabled: false })).toMatchObject({ ok: true, state: { state: "off" } });
    expect(core.tick(4100).tuner).toBeUndefined();
  });
});
