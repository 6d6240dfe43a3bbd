// eslint-disable-next-line driftscope/import-arrows -- ground truth: a real gossip cluster in virtual time, whose reports both engines read
import { Cluster } from "@driftscope/gossip";
import type { Report } from "@driftscope/protocol";
import { describe, expect, it } from "vitest";
import { MetricsEngine } from "../metrics/MetricsEngine.js";
import { packedOf } from "../metrics/packedVv.js";
import { SimAgent, TICK_MS, Truth } from "../metrics/truthHarness.js";
import { CoalescedReport } from "./CoalescedReport.js";
import { ReportScanner } from "./reportScan.js";

describe("packed vectors in the engine", () => {
  it("CL-PK4: reports folded in packed give the same frames as the same reports parsed whole, merged ones included", async () => {
    const cluster = new Cluster({
      type: "gcounter",
      replicas: Array.from({ length: 12 }, (_, i) => `r${i}`),
      seed: 5,
      time: "virtual",
      config: { intervalMs: 120, fanout: 2, mode: "push-pull", payload: "delta" },
      workload: { updatesPerSecPerReplica: 3 },
    });
    const packedEngine = new MetricsEngine({ defaultReportIntervalMs: TICK_MS });
    const plainEngine = new MetricsEngine({ defaultReportIntervalMs: TICK_MS });
    const agent = new SimAgent(packedEngine, cluster, "sim", new Truth(), true);
    agent.hello(0);
    plainEngine.registerAgent("sim", TICK_MS, 0);
    for (const r of cluster.replicas()) plainEngine.addReplica(r.id, "sim", "gcounter", 0, r.incarnation);
    const scanner = new ReportScanner(packedEngine.idNumbers);
    let packedEntries = 0;
    let seq = 0;
    let held: [packed: Report, plain: Report] | undefined;
    for (let t = TICK_MS; t <= 8000; t += TICK_MS) {
      const text = JSON.stringify({ type: "report", agentId: "sim", seq: ++seq, timeMs: t, replicas: agent.nextReport(t) });
      let packed = (scanner.scan(text, 0, text.length) ?? JSON.parse(text)) as Report;
      let plain = JSON.parse(text) as Report;
      for (const e of packed.replicas) if (packedOf(e) !== undefined) packedEntries++;
      // Every fourth tick waits and is merged into the next one, as under overload.
      if (seq % 4 === 0) {
        held = [packed, plain];
        continue;
      }
      if (held !== undefined) {
        const [p, q] = [new CoalescedReport(held[0]), new CoalescedReport(held[1])];
        expect(p.add(packed) && q.add(plain)).toBe(true);
        [packed, plain] = [p.build(), q.build()];
        held = undefined;
      }
      packedEngine.ingestReport("sim", t, packed.replicas, t);
      plainEngine.ingestReport("sim", t, plain.replicas, t);
      if (t % 100 === 0) expect(packedEngine.frame(t), `frame at ${t} ms`).toEqual(plainEngine.frame(t));
    }
    expect(packedEntries).toBeGreaterThan(12 * 70 * 0.9); // nearly every entry went packed
    await cluster.close();
  });
});
