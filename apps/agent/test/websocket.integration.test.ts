// Launchers in separate "processes" (separate transports, agents and ids) joined over the
// WebSocket transport: they find each other's replicas through the peer directory and
// converge, and the collector sees every replica of every process.
// eslint-disable-next-line driftscope/import-arrows -- integration test: the collector must see every replica of every process, over real sockets
import { createCollector } from "@driftscope/collector";
import { afterEach, describe, expect, it } from "vitest";
import type { AgentLogger } from "../src/Agent.js";
import { Launcher, type LauncherOptions } from "../src/launcher/Launcher.js";
import { eventually } from "./fakeCollector.js";

const logger: AgentLogger = { info: () => {}, warn: () => {} };
let cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups = [];
});

async function launcher(collectorUrl: string, idPrefix: string, peers: string[]): Promise<Launcher> {
  const options: LauncherOptions = {
    replicas: 3,
    collectorUrl,
    updatesPerSec: 4,
    intervalMs: 50,
    fanout: 2,
    mode: "push-pull",
    payload: "delta",
    crdt: "awset",
    reportIntervalMs: 100,
    idPrefix,
    listen: { host: "127.0.0.1", port: 0 },
    peers,
    seed: idPrefix.length,
    logger,
  };
  const l = await Launcher.start(options);
  cleanups.push(() => l.close());
  return l;
}

describe("launchers joined over WebSocket", () => {
  it("find each other's replicas (transitively), gossip across processes and converge", async () => {
    const collector = await createCollector({ port: 0, db: ":memory:" });
    cleanups.push(() => collector.close());
    await fetch(`${collector.url}/api/v1/config`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ gossip: { intervalMs: 50 }, workload: { updatesPerSecPerReplica: 4 } }),
    });
    const a = await launcher(collector.url, "a", []);
    const b = await launcher(collector.url, "b", [a.url!]);
    const c = await launcher(collector.url, "c", [b.url!]); // knows only b
    const all = [...a.replicas, ...b.replicas, ...c.replicas];
    await eventually("every process knows all 9 replicas", () => [a, b, c].every((l) => l.membership.size === 9), 15_000);
    await eventually("updates from every process", () => all.every((r) => r.state.seq > 0), 15_000);
    await fetch(`${collector.url}/api/v1/config`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ workload: { updatesPerSecPerReplica: 0 } }),
    });
    await eventually(
      "all replicas converge across processes",
      () => {
        const first = all[0]!.digest();
        return all.every((r) => r.digest().hash === first.hash && r.digest().versionVector.size === 9);
      },
      15_000,
    );
    await eventually("the collector sees 9 replicas with nothing missing", () => {
      const engine = collector.core.engine;
      return engine.replicaIds().length === 9 && all.every((r) => engine.missingUpdates(r.id) === 0);
    });
  });

  it("simulated faults apply over WebSocket too: a one-way cut and a partition stop the messages", async () => {
    const collector = await createCollector({ port: 0, db: ":memory:" });
    cleanups.push(() => collector.close());
    const a = await launcher(collector.url, "fa", []);
    const b = await launcher(collector.url, "fb", [a.url!]);
    await eventually("joined", () => a.membership.size === 6 && b.membership.size === 6, 15_000);
    const groups = [a.replicas.map((r) => r.id), b.replicas.map((r) => r.id)];
    const put = (patch: unknown) =>
      fetch(`${collector.url}/api/v1/config`, { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify(patch) });
    await put({ gossip: { intervalMs: 50 }, workload: { updatesPerSecPerReplica: 0 }, network: { partitions: groups } });
    await eventually("partition applied", () => a.replicas[0]!.configVersion === collector.core.config.version);
    const before = b.replicas.map((r) => r.digest().versionVector.get("fa0") ?? 0);
    a.replicas[0]!.update({ type: "add", element: "isolated" } as never);
    await eventually("a's side converges", () => a.replicas.every((r) => (r.digest().versionVector.get("fa0") ?? 0) === a.replicas[0]!.state.seq));
    await new Promise((r) => setTimeout(r, 400));
    expect(b.replicas.map((r) => r.digest().versionVector.get("fa0") ?? 0)).toEqual(before);
    // One-way cuts from every replica of a to every replica of b: b's updates reach a, not the reverse.
    const cuts = groups[0]!.flatMap((from) => groups[1]!.map((to) => ({ from, to })));
    await put({ network: { partitions: [], cuts } });
    await eventually("cuts applied", () => b.replicas[0]!.configVersion === collector.core.config.version);
    b.replicas[0]!.update({ type: "add", element: "from-b" } as never);
    await eventually("a hears b", () => a.replicas.every((r) => (r.digest().versionVector.get("fb0") ?? 0) === b.replicas[0]!.state.seq), 15_000);
    expect(b.replicas.map((r) => r.digest().versionVector.get("fa0") ?? 0)).toEqual(before);
    await put({ network: { cuts: [] } });
    await eventually("healed: b catches up", () => b.replicas.every((r) => (r.digest().versionVector.get("fa0") ?? 0) === a.replicas[0]!.state.seq), 15_000);
  });
});
