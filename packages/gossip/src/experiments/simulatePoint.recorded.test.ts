// Speed work on the simulator must not change what it simulates. The fixture was recorded by the
// code before that work (commit in its `recordedWith`: the simulator as the collector ran it):
// per point, the SHA-256 of the whole observation's JSON and a readable summary. Every figure
// (convergence times, traffic to the byte, divergence, visibility) must come out identical.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { simulatePoint, type PointSpec } from "./simulatePoint.js";

interface Recorded {
  recordedWith: string;
  points: Array<{ spec: PointSpec; sha256: string; summary: Record<string, number> }>;
}

const recorded = JSON.parse(readFileSync(new URL("./simulatePoint.recorded.json", import.meta.url), "utf8")) as Recorded;

describe("simulated points against the recording made before the speed work", () => {
  const label = ({ spec: s }: Recorded["points"][number]) =>
    `${s.replicas} × ${s.crdtType}, ${s.gossip.mode} ${s.gossip.payload} every ${s.gossip.intervalMs} ms (fanout ${s.gossip.fanout}), ${s.updatesPerSecPerReplica} updates/s, loss ${s.network.lossRate}, seed ${s.seed}`;
  it.each(recorded.points.map((p) => [label(p), p] as const))(
    "G-EX6: %s gives byte-identical results",
    (_, { spec, sha256, summary }) => {
      const o = simulatePoint(spec);
      // The summary first, so a difference says what changed.
      expect({
        measuredMs: o.measuredMs, updatesIssued: o.updatesIssued, converged: o.convergedMs.length, inFlight: o.inFlightAgesMs.length,
        messagesSent: o.messagesSent, bytesSent: o.bytesSent, deliveries: o.deliveries, meanInFlight: o.meanInFlight, meanMissingUpdates: o.meanMissingUpdates,
      }).toEqual(summary);
      expect(createHash("sha256").update(JSON.stringify(o)).digest("hex")).toBe(sha256);
    },
  );
});
