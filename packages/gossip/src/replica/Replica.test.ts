import { AWSet, GCounter, type Dot } from "@driftscope/crdt";
import { describe, expect, it, vi } from "vitest";
import { Cluster } from "../cluster/Cluster.js";
import type { GossipConfig } from "../config.js";
import type { GossipEvent } from "../events.js";
import { InMemoryNetwork } from "../net/InMemoryNetwork.js";
import { InclusionJournal } from "./InclusionJournal.js";
import { originIndex } from "../wire/origins.js";
import type { VirtualScheduler } from "../time/VirtualScheduler.js";
import { forEachFrame } from "../wire/deltaList.js";
import { decodeMessage, messageBody, messageVersionVector } from "../wire/message.js";

const MODES: GossipConfig["mode"][] = ["push", "pull", "push-pull"];
const PAYLOADS: GossipConfig["payload"][] = ["full", "delta", "digest"];

/** Records every dot issued in a cluster. */
function trackDots(cluster: Cluster<unknown, unknown, unknown>): Dot[] {
  const dots: Dot[] = [];
  cluster.events.on("update", (e) => dots.push(e.dot));
  return dots;
}

function includesAll(cluster: Cluster<unknown, unknown, unknown>, dots: readonly Dot[]): boolean {
  return cluster.running().every((r) => {
    const ctx = r.state.context();
    return dots.every((d) => ctx.includes(d));
  });
}

describe("Replica: anti-entropy", () => {
  for (const mode of MODES) {
    for (const payload of PAYLOADS) {
      it(`G-R1: ${mode}/${payload} converges under loss and jitter, losing no update`, () => {
        const cluster = new Cluster({
          type: AWSet, replicas: 10, seed: 7, config: { mode, payload, fanout: 2, intervalMs: 100 },
          network: { latencyMs: 20, jitterMs: 15, lossRate: 0.1 },
        });
        const dots = trackDots(cluster);
        cluster.setWorkload({ updatesPerSecPerReplica: 2 });
        cluster.runFor(3000);
        cluster.setWorkload({ updatesPerSecPerReplica: 0 });
        expect(dots.length).toBeGreaterThan(30);
        expect(cluster.runUntilConverged(60_000)).toBe(true);
        expect(includesAll(cluster, dots)).toBe(true);
        const values = cluster.running().map((r) => JSON.stringify(r.value()));
        expect(new Set(values).size).toBe(1);
      });
    }
  }

  it("G-R2: a config change waits for each replica's next tick, then is announced once per replica", () => {
    const cluster = new Cluster({ type: GCounter, replicas: 5, seed: 2, config: { intervalMs: 1000, fanout: 1 } });
    const applied: Array<{ replica: string; atMs: number; version: number }> = [];
    cluster.events.on("config", (e) => applied.push({ replica: e.replica, atMs: e.atMs, version: e.version }));
    cluster.runFor(2500);
    const { version } = cluster.setConfig({ fanout: 3, mode: "push" });
    const r0 = cluster.replica("r0");
    expect(r0.config.fanout).toBe(1); // not yet
    expect(r0.pendingConfig?.config.fanout).toBe(3);
    cluster.runFor(1000);
    expect(applied.map((a) => a.replica).sort()).toEqual(cluster.ids().sort());
    expect(applied.every((a) => a.version === version && a.atMs > 2500 && a.atMs <= 3500)).toBe(true);
    expect(r0.config).toEqual({ intervalMs: 1000, fanout: 3, mode: "push", payload: "delta" });
    expect(r0.pendingConfig).toBeNull();
  });

  it("G-R3: a shorter interval takes effect within the new interval, not the old one", () => {
    const cluster = new Cluster({ type: GCounter, replicas: 4, seed: 3, config: { intervalMs: 60_000 } });
    cluster.runFor(61_000); // every replica ticked once; the next ticks are ~60 s away
    const ticksAfter: number[] = [];
    cluster.events.on("config", (e) => ticksAfter.push(e.atMs));
    cluster.setConfig({ intervalMs: 100 });
    cluster.runFor(100);
    expect(ticksAfter).toHaveLength(4);
    let sends = 0;
    cluster.events.on("send", () => sends++);
    cluster.runFor(1000);
    expect(sends).toBeGreaterThan(4 * 9); // ~10 rounds per replica in one second
  });

  it("G-R3: replicas given a shorter interval together keep independent phases (their first new ticks spread over the new interval)", () => {
    const cluster = new Cluster({ type: GCounter, replicas: 64, seed: 5, config: { intervalMs: 1000 } });
    cluster.runFor(2_500);
    const firstTicks: number[] = [];
    cluster.events.on("config", (e) => firstTicks.push(e.atMs));
    cluster.setConfig({ intervalMs: 100 });
    cluster.runFor(100);
    expect(firstTicks).toHaveLength(64);
    // Bunched at the instant of the change, they would tick in step from then on.
    const atChange = firstTicks.filter((t) => t === 2_500).length;
    expect(atChange).toBeLessThan(4);
    expect(Math.max(...firstTicks) - Math.min(...firstTicks)).toBeGreaterThan(80);
  });

  it("G-R3: replicas given a longer interval keep independent phases (not all in step from the ticks that applied it)", () => {
    const cluster = new Cluster({ type: GCounter, replicas: 64, seed: 6, config: { intervalMs: 50 } });
    cluster.runFor(1_000);
    cluster.setConfig({ intervalMs: 1000 });
    cluster.runFor(200); // every replica applied it (within one old interval)
    // The next change is applied at each replica's next tick: when it ticks on the new interval.
    const ticks: number[] = [];
    cluster.events.on("config", (e) => ticks.push(e.atMs));
    cluster.setConfig({ fanout: 2 });
    cluster.runFor(1_000);
    expect(ticks).toHaveLength(64);
    expect(Math.max(...ticks) - Math.min(...ticks)).toBeGreaterThan(500);
  });

  it("G-R4: live config changes leak no timer and lose no update", () => {
    const cluster = new Cluster({ type: AWSet, replicas: 8, seed: 4, config: { intervalMs: 200 } });
    const scheduler = cluster.scheduler as VirtualScheduler;
    const dots = trackDots(cluster);
    cluster.setWorkload({ updatesPerSecPerReplica: 1 });
    const configs: Partial<GossipConfig>[] = [];
    for (let i = 0; i < 60; i++) {
      configs.push({
        intervalMs: [50, 200, 1000, 30][i % 4]!, fanout: 1 + (i % 3), mode: MODES[i % 3]!, payload: PAYLOADS[(i * 7) % 3]!,
      });
    }
    for (const c of configs) {
      cluster.setConfig(c);
      cluster.runFor(97);
    }
    cluster.setWorkload({ updatesPerSecPerReplica: 0 });
    cluster.runFor(2000);
    // One pending tick per replica, nothing else (deliveries of this instant already ran).
    expect(scheduler.pendingTimers).toBe(8);
    expect(cluster.runUntilConverged(60_000)).toBe(true);
    expect(includesAll(cluster, dots)).toBe(true);
    expect(cluster.replica("r3").config).toEqual({ ...configs.at(-1), intervalMs: 30 });
  });

  it("G-R5: invalid config is refused whole, changing nothing", () => {
    const cluster = new Cluster({ type: GCounter, replicas: 3 });
    expect(() => cluster.setConfig({ fanout: 2, intervalMs: -1 })).toThrow(RangeError);
    expect(() => cluster.setConfig({ mode: "gossip" as never })).toThrow(RangeError);
    expect(cluster.configVersion).toBe(0);
    expect(cluster.replica("r0").pendingConfig).toBeNull();
  });
});

describe("Replica: faults", () => {
  it("G-C1: a crashed replica neither sends nor answers; messages to it are dropped", () => {
    const cluster = new Cluster({ type: GCounter, replicas: 4, seed: 5, config: { intervalMs: 100, mode: "push-pull" } });
    cluster.runFor(500);
    cluster.crash("r2");
    const after: GossipEvent[] = [];
    cluster.events.onAny((e) => after.push(e));
    cluster.runFor(2000);
    expect(after.some((e) => e.type === "send" && e.from === "r2")).toBe(false);
    expect(after.some((e) => e.type === "receive" && e.to === "r2")).toBe(false);
    expect(after.some((e) => e.type === "drop" && e.to === "r2" && e.reason === "unreachable")).toBe(true);
    expect(() => cluster.update("r2")).toThrow(/crashed/);
    expect(cluster.running().map((r) => r.id)).toEqual(["r0", "r1", "r3"]);
  });

  it("G-C2: restore with state kept resumes where it stopped and catches up", () => {
    const cluster = new Cluster({ type: GCounter, replicas: 4, seed: 6, config: { intervalMs: 100 } });
    cluster.update("r1");
    cluster.update("r1");
    cluster.runUntilConverged(10_000);
    cluster.crash("r1");
    cluster.update("r0");
    cluster.runFor(1000);
    expect(cluster.replica("r1").value()).toBe(2);
    cluster.restore("r1", { keepState: true });
    cluster.update("r1");
    expect(cluster.runUntilConverged(10_000)).toBe(true);
    expect(cluster.replica("r1").value()).toBe(4);
    expect(cluster.replica("r1").origin).toBe("r1");
  });

  it("G-C3: restore empty starts from nothing under a new origin; no dot is ever issued twice", () => {
    const cluster = new Cluster({ type: AWSet, replicas: 5, seed: 8, config: { intervalMs: 100 } });
    const dots = trackDots(cluster);
    for (let i = 0; i < 5; i++) cluster.update("r4");
    cluster.runUntilConverged(10_000);
    cluster.crash("r4");
    cluster.restore("r4", { keepState: false });
    const r4 = cluster.replica("r4");
    expect(r4.value()).toEqual([]);
    expect(r4.incarnation).toBe(1);
    expect(r4.origin).toBe("r4:1");
    cluster.update("r4");
    expect(cluster.runUntilConverged(10_000)).toBe(true);
    expect(includesAll(cluster, dots)).toBe(true); // the old updates had spread: nothing lost
    for (const r of cluster.replicas()) {
      expect(r.versionVectorEntry("r4")).toBe(5);
      expect(r.versionVectorEntry("r4:1")).toBe(1);
      expect(r.versionVectorEntry("nobody")).toBe(0);
    }
    const keys = dots.map((d) => `${d.replica}:${d.seq}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(dots.at(-1)).toEqual({ replica: "r4:1", seq: 1 });
  });

  it("G-C4: join catches up by gossip; leave hands its unique updates over", () => {
    const cluster = new Cluster({ type: GCounter, replicas: 4, seed: 9, config: { intervalMs: 100, fanout: 2 } });
    for (const id of cluster.ids()) cluster.update(id);
    const fresh = cluster.join();
    expect(fresh.id).toBe("r4");
    expect(cluster.membership.has("r4")).toBe(true);
    expect(cluster.runUntilConverged(10_000)).toBe(true);
    expect(fresh.value()).toBe(4);
    // r3's update cannot leave it (all its links cut) until it leaves with a handoff.
    for (const id of cluster.ids()) if (id !== "r3") cluster.network.cut("r3", id);
    cluster.update("r3");
    cluster.runFor(1000);
    expect(cluster.replica("r0").value()).toBe(4);
    cluster.network.heal();
    cluster.leave("r3");
    expect(cluster.ids()).not.toContain("r3");
    cluster.runFor(1000); // (the others agree already: convergence alone would not wait for the handoff)
    expect(cluster.runUntilConverged(10_000)).toBe(true);
    expect(cluster.replica("r0").value()).toBe(5);
  });
});

describe("Replica: payloads", () => {
  it("G-P1: once in sync, delta pushes stop and digests carry no state", () => {
    for (const payload of ["delta", "digest"] as const) {
      const cluster = new Cluster({ type: AWSet, replicas: 6, seed: 10, config: { intervalMs: 100, mode: "push", payload } });
      for (const id of cluster.ids()) cluster.update(id, { type: "add", element: id });
      expect(cluster.runUntilConverged(10_000)).toBe(true);
      cluster.runFor(1000); // let acknowledgements settle
      const kinds: string[] = [];
      cluster.events.on("send", (e) => kinds.push(e.kind));
      cluster.runFor(2000);
      expect(kinds.filter((k) => k === "state")).toEqual([]);
      if (payload === "digest") expect(kinds.length).toBeGreaterThan(0);
    }
  });

  it("G-P2: after a gap longer than the delta log, the full state is sent and the cluster still converges", () => {
    const cluster = new Cluster({
      type: AWSet, replicas: 6, seed: 11, config: { intervalMs: 100, mode: "push-pull", payload: "delta" }, deltaLogCapacity: 4,
    });
    const dots = trackDots(cluster);
    cluster.runFor(500);
    cluster.network.partition([["r0", "r1", "r2"], ["r3", "r4", "r5"]]);
    for (let i = 0; i < 30; i++) cluster.update(`r${i % 6}`, { type: "add", element: `x${i}` });
    cluster.runFor(2000);
    const fullSends: string[] = [];
    cluster.events.on("send", (e) => {
      if (e.kind === "state" && e.full) fullSends.push(e.from);
    });
    cluster.network.heal();
    expect(cluster.runUntilConverged(20_000)).toBe(true);
    expect(fullSends.length).toBeGreaterThan(0);
    expect(includesAll(cluster, dots)).toBe(true);
  });

  it("G-P4: with the full view, a peer met after the log moved on gets a vector first, then only what it lacks (no full state)", () => {
    // 32 replicas, fanout 2, 64 updates/s in all: a pair meets about every 0.8 s, by which time
    // a 64-entry log has moved on. The exchange goes vector-first instead of shipping the state.
    const cluster = new Cluster({
      type: AWSet, replicas: 32, seed: 3, deltaLogCapacity: 64, config: { intervalMs: 100, fanout: 2, mode: "push-pull", payload: "delta" },
    });
    const dots = trackDots(cluster);
    const sends = new Map<string, number>();
    cluster.events.on("send", (e) => {
      const key = e.full ? "full state" : e.kind;
      sends.set(key, (sends.get(key) ?? 0) + 1);
    });
    cluster.setWorkload({ updatesPerSecPerReplica: 2 });
    cluster.runFor(5000);
    cluster.setWorkload({ updatesPerSecPerReplica: 0 });
    expect(cluster.runUntilConverged(30_000)).toBe(true);
    expect(includesAll(cluster, dots)).toBe(true);
    expect(dots.length).toBeGreaterThan(250);
    expect(sends.get("digest") ?? 0).toBeGreaterThan(100);
    expect(sends.get("pull") ?? 0).toBeGreaterThan(0);
    expect(sends.get("full state") ?? 0).toBe(0);
  });

  it("G-P5: an update a peer sent us is not sent back to it (three replicas, one update: three copies travel, not four)", () => {
    const framesOf = new Map<string, number>(); // "from→to" → update frames carried
    const attach = InMemoryNetwork.prototype.attach;
    const spy = vi.spyOn(InMemoryNetwork.prototype, "attach").mockImplementation(function (this: InMemoryNetwork, id, onMessage) {
      const endpoint = attach.call(this, id, onMessage);
      return {
        ...endpoint,
        send: (to: string, bytes: Uint8Array) => {
          const m = decodeMessage(bytes);
          const body = messageBody(m);
          if (m.kind === "state" && !m.full && body !== null) {
            let frames = 0;
            forEachFrame(body, () => frames++);
            framesOf.set(`${id}→${to}`, (framesOf.get(`${id}→${to}`) ?? 0) + frames);
          }
          endpoint.send(to, bytes);
        },
        close: () => endpoint.close(),
      };
    });
    try {
      const cluster = new Cluster({ type: GCounter, replicas: 3, seed: 4, config: { intervalMs: 1000, fanout: 2, mode: "push", payload: "delta" } });
      cluster.runFor(1500);
      cluster.update("r0", { type: "increment" });
      cluster.runFor(5000);
      expect(cluster.replicas().map((r) => r.value())).toEqual([1, 1, 1]);
      // r0 → r1 and r0 → r2, then whichever of r1 and r2 ticks first sends it to the other, which
      // then knows the first holds it and leaves it out of its own buffer.
      expect(framesOf.get("r0→r1")).toBe(1);
      expect(framesOf.get("r0→r2")).toBe(1);
      expect((framesOf.get("r1→r2") ?? 0) + (framesOf.get("r2→r1") ?? 0)).toBe(1);
    } finally {
      spy.mockRestore();
    }
  });

  for (const inProcess of [true, false]) {
    it(`G-P6: with the full view ${inProcess ? "in one process (vectors by origin number)" : "across processes (vectors by name)"}, the pull answering a gap digest lists only the origins the puller is behind on, and nothing is lost`, () => {
      const vectors = { digests: 0, digestEntries: 0, pulls: 0, partialPulls: 0, pullEntries: 0, fullStates: 0, answers: 0, wrongLogEnd: 0 };
      const attach = InMemoryNetwork.prototype.attach;
      const spy = vi.spyOn(InMemoryNetwork.prototype, "attach").mockImplementation(function (this: InMemoryNetwork, id, onMessage) {
        let handling: ReturnType<typeof decodeMessage> | null = null; // the message this replica is reacting to
        const endpoint = attach.call(this, id, (from, bytes) => {
          handling = decodeMessage(bytes);
          try {
            onMessage(from, bytes);
          } finally {
            handling = null;
          }
        });
        return {
          ...endpoint,
          send: (to: string, bytes: Uint8Array) => {
            const m = decodeMessage(bytes);
            if (m.kind === "digest") {
              vectors.digests++;
              vectors.digestEntries += messageVersionVector(m)!.size;
            } else if (m.kind === "pull") {
              vectors.pulls++;
              if (m.vectorPartial && m.vectorNumbered === inProcess) vectors.partialPulls++;
              vectors.pullEntries += messageVersionVector(m)?.size ?? 0;
              // The pull carries back the log end the digest was taken at…
              if (handling?.kind !== "digest" || m.logTo !== handling.logTo) vectors.wrongLogEnd++;
            } else if (m.full) {
              vectors.fullStates++;
            } else if (m.kind === "state" && handling?.kind === "pull") {
              // …and the answer vouches for the log up to there only: entries logged since, at
              // origins the pull did not list, are not in it.
              vectors.answers++;
              if (m.logTo !== handling.logTo) vectors.wrongLogEnd++;
            }
            endpoint.send(to, bytes);
          },
          close: () => endpoint.close(),
        };
      });
      try {
        // 64 replicas, 128 updates/s in all, a 128-entry log (a second): a pair meets about every
        // 3 s, so nearly every exchange starts with a gap digest of 64 entries.
        const cluster = new Cluster({
          type: GCounter, replicas: 64, seed: 5, deltaLogCapacity: 128, config: { intervalMs: 100, fanout: 2, mode: "push", payload: "delta" },
          network: { latencyMs: 5, jitterMs: 5, lossRate: 0.05 },
        });
        (cluster.network as { inProcess: boolean }).inProcess = inProcess;
        const dots = trackDots(cluster);
        cluster.setWorkload({ updatesPerSecPerReplica: 2 });
        cluster.runFor(4000);
        cluster.setWorkload({ updatesPerSecPerReplica: 0 });
        expect(cluster.runUntilConverged(30_000)).toBe(true);
        expect(includesAll(cluster, dots)).toBe(true);
        expect(vectors.digests).toBeGreaterThan(2000);
        expect(vectors.pulls).toBeGreaterThan(1000);
        expect(vectors.partialPulls).toBe(vectors.pulls);
        // A digest lists every origin the sender holds; a pull only where the puller is behind.
        const perDigest = vectors.digestEntries / vectors.digests;
        const perPull = vectors.pullEntries / vectors.pulls;
        expect(perDigest).toBeGreaterThan(50);
        expect(perPull).toBeLessThan(perDigest / 4);
        expect(vectors.fullStates).toBe(0);
        expect(vectors.answers).toBeGreaterThan(1000);
        expect(vectors.wrongLogEnd).toBe(0);
      } finally {
        spy.mockRestore();
      }
    });
  }

  it("G-P7: a log that moves on faster than a round trip: a pull is answered from the log where it covers the peer, else with the full state; nothing is lost", () => {
    // One writer with a 4-entry log, a 400 ms link each way and 20 updates/s: by the time a pull
    // comes back, what the peer lacks has often left the log. The whole state goes instead.
    const cluster = new Cluster({
      type: GCounter, replicas: 2, seed: 9, deltaLogCapacity: 4, config: { intervalMs: 100, fanout: 1, mode: "push", payload: "delta" },
      network: { latencyMs: 400 },
    });
    const dots = trackDots(cluster);
    let fullStates = 0;
    cluster.events.on("send", (e) => {
      if (e.full && e.from === "r0") fullStates++;
    });
    for (let i = 0; i < 60; i++) {
      cluster.update("r0", { type: "increment" });
      cluster.runFor(50);
    }
    expect(cluster.runUntilConverged(30_000)).toBe(true);
    expect(includesAll(cluster, dots)).toBe(true);
    expect(cluster.replicas().map((r) => r.value())).toEqual([60, 60]);
    expect(fullStates).toBeGreaterThan(0);
  });

  it("G-P3: delta sends far fewer bytes than full state for a few updates on a large set", () => {
    const bytesFor = (payload: "full" | "delta") => {
      const cluster = new Cluster({ type: AWSet, replicas: 12, seed: 12, config: { intervalMs: 100, payload, fanout: 2 } });
      const seed = new Cluster({ type: AWSet, replicas: 1 }).replica("r0");
      for (let i = 0; i < 2000; i++) seed.update({ type: "add", element: `e${i}` });
      for (const r of cluster.replicas()) r.load(seed.state.snapshot());
      let bytes = 0;
      cluster.events.on("send", (e) => (bytes += e.bytes));
      for (let i = 0; i < 20; i++) cluster.update(`r${i % 12}`, { type: "add", element: `new${i}` });
      expect(cluster.runUntilConverged(30_000)).toBe(true);
      expect(cluster.replica("r5").value()).toHaveLength(2020);
      return bytes;
    };
    const full = bytesFor("full");
    const delta = bytesFor("delta");
    expect(delta * 20, `delta ${delta} B vs full ${full} B`).toBeLessThanOrEqual(full);
  });
});

describe("Replica: observation", () => {
  it("G-O1: sends, receives, merges and updates are observable with exact byte counts", () => {
    const cluster = new Cluster({ type: GCounter, replicas: 3, seed: 13, config: { intervalMs: 100, payload: "full" } });
    let sent = 0;
    let received = 0;
    const merges: GossipEvent[] = [];
    const updates: GossipEvent[] = [];
    cluster.events.on("send", (e) => (sent += e.bytes));
    cluster.events.on("receive", (e) => (received += e.bytes));
    cluster.events.on("merge", (e) => merges.push(e));
    cluster.events.on("update", (e) => updates.push(e));
    const dot = cluster.update("r0");
    cluster.runUntilConverged(10_000);
    cluster.runFor(1);
    expect(updates).toEqual([{ type: "update", atMs: 0, replica: "r0", dot }]);
    expect(sent).toBeGreaterThan(0);
    expect(received).toBe(sent); // nothing lost: every byte sent was received
    const informing = merges.filter((e) => e.type === "merge" && e.changed);
    expect(informing).toHaveLength(2);
    for (const e of informing) {
      if (e.type !== "merge") continue;
      expect(e.newlyIncluded).toEqual([{ replica: "r0", from: 1, to: 1 }]);
      expect(e.full).toBe(true);
    }
  });

  it("G-O2: with no listener, no event object is built", () => {
    const cluster = new Cluster({ type: GCounter, replicas: 4, seed: 14, config: { intervalMs: 100 } });
    const emit = vi.spyOn(cluster.events, "emit");
    cluster.setWorkload({ updatesPerSecPerReplica: 5 });
    cluster.runFor(2000);
    cluster.crash("r1");
    cluster.runFor(500);
    expect(emit).not.toHaveBeenCalled();
    const off = cluster.events.on("merge", () => {});
    cluster.runFor(500);
    expect(emit).toHaveBeenCalled();
    expect(emit.mock.calls.every(([e]) => e.type === "merge")).toBe(true);
    off();
    expect(cluster.events.listening.merge).toBe(false);
  });

  it("G-O4: traffic counters match the events message for message, with no listener needed", () => {
    const cluster = new Cluster({
      type: AWSet, replicas: 6, seed: 16, config: { intervalMs: 100, fanout: 2, mode: "push-pull", payload: "delta" },
      network: { latencyMs: 10, jitterMs: 5, lossRate: 0.1 },
    });
    cluster.setWorkload({ updatesPerSecPerReplica: 5 });
    cluster.runFor(1000); // counted with nobody listening…
    const before = new Map(cluster.replicas().map((r) => [r.id, r.traffic()]));
    const seen = new Map<string, { sm: number; sb: number; rm: number; rb: number; m: number; cm: number; kinds: Map<string, number> }>();
    const of = (id: string) => {
      let c = seen.get(id);
      if (c === undefined) seen.set(id, (c = { sm: 0, sb: 0, rm: 0, rb: 0, m: 0, cm: 0, kinds: new Map() }));
      return c;
    };
    cluster.events.on("send", (e) => {
      const c = of(e.from);
      c.sm++;
      c.sb += e.bytes;
      const kind = e.kind === "state" ? (e.full ? "fullState" : "delta") : e.kind;
      c.kinds.set(kind, (c.kinds.get(kind) ?? 0) + e.bytes);
    });
    cluster.events.on("receive", (e) => {
      of(e.to).rm++;
      of(e.to).rb += e.bytes;
    });
    cluster.events.on("merge", (e) => {
      of(e.replica).m++;
      if (e.changed) of(e.replica).cm++;
    });
    cluster.runFor(2000); // …and the same while listening: the difference is exactly what the events saw
    cluster.crash("r3"); // a crashed replica sends nothing, and counts nothing
    cluster.runFor(500);
    let messages = 0;
    for (const r of cluster.replicas()) {
      const t = r.traffic();
      const b = before.get(r.id)!;
      const c = of(r.id);
      expect([t.sentMessages - b.sentMessages, t.sentBytes - b.sentBytes, t.receivedMessages - b.receivedMessages, t.receivedBytes - b.receivedBytes])
        .toEqual([c.sm, c.sb, c.rm, c.rb]);
      expect([t.merges - b.merges, t.changedMerges - b.changedMerges]).toEqual([c.m, c.cm]);
      for (const kind of ["delta", "fullState", "digest", "pull", "ack"] as const) {
        expect(t.sent[kind].bytes - b.sent[kind].bytes).toBe(c.kinds.get(kind) ?? 0);
      }
      messages += c.sm;
    }
    expect(messages).toBeGreaterThan(300);
  });

  it("G-O5: a sampled subscription gets every n-th message, and the others are never built", () => {
    const cluster = new Cluster({ type: GCounter, replicas: 8, seed: 17, config: { intervalMs: 100, fanout: 2 } });
    cluster.setWorkload({ updatesPerSecPerReplica: 5 });
    cluster.runFor(500);
    const emit = vi.spyOn(cluster.events, "emit");
    const sampled: GossipEvent[] = [];
    const sub = cluster.events.sample("receive", 10, (e) => sampled.push(e));
    const received = () => cluster.replicas().reduce((n, r) => n + r.traffic().receivedMessages, 0);
    const from = received();
    cluster.runFor(2000);
    const all = received() - from;
    expect(all).toBeGreaterThan(500);
    expect(sampled.length).toBe(Math.floor(all / 10));
    expect(sampled.every((e) => e.type === "receive")).toBe(true);
    expect(emit).toHaveBeenCalledTimes(sampled.length); // the other nine in ten were never built
    // A listener of every event alongside: it gets all, the sample still every tenth.
    let every = 0;
    const off = cluster.events.on("receive", () => every++);
    sub.setEvery(4);
    const at = sampled.length;
    const from2 = received();
    cluster.runFor(1000);
    expect(every).toBe(received() - from2);
    expect(Math.abs(sampled.length - at - every / 4)).toBeLessThanOrEqual(1);
    off();
    sub.off();
    expect(cluster.events.listening.receive).toBe(false);
    expect(() => cluster.events.sample("send", 0, () => {})).toThrow(RangeError);
  });

  for (const payload of ["delta", "digest"] as const) {
    it(`G-O6: ${payload} payload: merge events name each update's dot exactly once at every replica but its origin`, () => {
      const cluster = new Cluster({
        type: AWSet, replicas: 8, seed: 18, config: { intervalMs: 100, fanout: 2, mode: "push-pull", payload },
        network: { latencyMs: 10, jitterMs: 10, lossRate: 0.1 },
      });
      const dots = trackDots(cluster);
      const included = new Map<string, number>(); // "replica|origin:seq" → times
      cluster.events.on("merge", (e) => {
        for (const r of e.newlyIncluded) {
          for (let s = r.from; s <= r.to; s++) included.set(`${e.replica}|${r.replica}:${s}`, (included.get(`${e.replica}|${r.replica}:${s}`) ?? 0) + 1);
        }
      });
      cluster.setWorkload({ updatesPerSecPerReplica: 4 });
      cluster.runFor(2000);
      cluster.setWorkload({ updatesPerSecPerReplica: 0 });
      expect(cluster.runUntilConverged(30_000)).toBe(true);
      expect(dots.length).toBeGreaterThan(40);
      const expected = new Map<string, number>();
      for (const d of dots) for (const r of cluster.replicas()) if (r.id !== d.replica) expected.set(`${r.id}|${d.replica}:${d.seq}`, 1);
      expect(included).toEqual(expected);
    });
  }

  for (const payload of ["delta", "digest", "full"] as const) {
    it(`G-O7: ${payload} payload: a replica's journal holds what its merge events name, with the merge time, until drained`, () => {
      const cluster = new Cluster({
        type: AWSet, replicas: 6, seed: 19, config: { intervalMs: 100, fanout: 2, mode: "push-pull", payload },
        network: { latencyMs: 10, jitterMs: 10, lossRate: 0.1 },
      });
      const journals = new Map(cluster.replicas().map((r) => [r.id, r.openJournal()]));
      const fromEvents: string[] = [];
      cluster.events.on("merge", (e) => {
        for (const r of e.newlyIncluded) fromEvents.push(`${e.replica} ${r.replica} ${r.from}-${r.to} @${e.atMs}`);
      });
      const fromJournals: string[] = [];
      const drain = () => {
        for (const [id, j] of journals) {
          expect(j.drain((origin, from, to, ageMs) => fromJournals.push(`${id} ${origin} ${from}-${to} @${cluster.scheduler.now() - ageMs}`))).toBe(true);
        }
      };
      cluster.setWorkload({ updatesPerSecPerReplica: 4 });
      for (let i = 0; i < 20; i++) {
        cluster.runFor(100);
        drain();
      }
      cluster.setWorkload({ updatesPerSecPerReplica: 0 });
      expect(cluster.runUntilConverged(30_000)).toBe(true);
      drain();
      expect(fromJournals.length).toBeGreaterThan(50);
      expect(fromJournals.sort()).toEqual(fromEvents.sort());
      // Drained: nothing twice. Closed: nothing more.
      let again = 0;
      journals.get("r0")!.drain(() => again++);
      expect(again).toBe(0);
      journals.get("r0")!.close();
      cluster.update("r1", { type: "add", element: "late" });
      cluster.runUntilConverged(10_000);
      journals.get("r0")!.drain(() => again++);
      expect(again).toBe(0);
    });
  }

  it("G-O8: a journal nobody drains keeps the newest 65,536 runs and says it lost some", () => {
    const journal = new InclusionJournal(() => 100, () => {});
    const origin = originIndex("o8");
    for (let seq = 1; seq <= 70_000; seq++) journal.record(origin, seq, seq, seq % 100);
    const seen: number[] = [];
    expect(journal.drain((o, from, to, ageMs) => {
      expect([o, from === to, ageMs]).toEqual(["o8", true, 100 - (from % 100)]);
      seen.push(from);
    })).toBe(false);
    expect(seen).toHaveLength(65_536);
    expect([seen[0], seen.at(-1)]).toEqual([70_000 - 65_536 + 1, 70_000]);
    expect(journal.drain(() => expect.unreachable())).toBe(true); // drained, and the loss was said once
  });

  it("G-O3: garbage and states of another CRDT type are ignored, not fatal", () => {
    const cluster = new Cluster({ type: GCounter, replicas: 3, seed: 15, config: { intervalMs: 100 } });
    // Capture a real full-state message of an AWSet replica: "a" pushes to its only peer "b",
    // which is replaced by a tap.
    const foreign = new Cluster({ type: AWSet, replicas: ["a", "b"], config: { payload: "full", mode: "push", intervalMs: 10 } });
    foreign.update("a", { type: "add", element: "boo" });
    foreign.crash("b");
    let captured: Uint8Array | null = null;
    foreign.network.attach("b", (_from, bytes) => (captured = bytes));
    foreign.runFor(50);
    expect(captured).not.toBeNull();
    const intruder = cluster.network.attach("intruder", () => {});
    intruder.send("r0", new Uint8Array([1, 2, 3]));
    intruder.send("r1", captured!);
    cluster.update("r2");
    expect(() => cluster.runFor(10)).not.toThrow();
    expect(cluster.runUntilConverged(10_000)).toBe(true);
    expect(cluster.replica("r1").value()).toBe(1);
  });
});
