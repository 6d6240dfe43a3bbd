// The agent against the real collector, over real sockets on loopback (port 0, temp
// databases): telemetry arrives and matches the replicas' true state, the view is exact
// again right after a collector restart, configs reach every replica and are acknowledged,
// refused configs change nothing, and a node that is not a gossip replica works too.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
// eslint-disable-next-line driftscope/import-arrows -- integration test: the agent against the real collector over loopback sockets is what this test checks
import { createCollector, type Collector } from "@driftscope/collector";
import type { Replica } from "@driftscope/gossip";
import { vvMissing, type VersionVector } from "@driftscope/crdt";
import type { Snapshot } from "@driftscope/protocol";
import { afterEach, describe, expect, it } from "vitest";
import { createAgent, type AgentLogger } from "../src/Agent.js";
import { Launcher, type LauncherOptions } from "../src/launcher/Launcher.js";
import { eventually } from "./fakeCollector.js";
import { FakeNode } from "./FakeNode.js";

const logger: AgentLogger = { info: () => {}, warn: () => {} };
let cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups = [];
});

async function startCollector(options: { port?: number; dir?: string } = {}): Promise<Collector & { dir: string }> {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), "driftscope-agent-it-"));
  const collector = await createCollector({ host: "127.0.0.1", port: options.port ?? 0, db: join(dir, "it.db"), frameHz: 10 });
  let closed = false;
  const close = collector.close;
  const c = Object.assign(collector, {
    dir,
    close: async () => {
      if (closed) return;
      closed = true;
      await close();
    },
  });
  cleanups.push(async () => {
    await c.close();
    if (options.dir === undefined) rmSync(dir, { recursive: true, force: true });
  });
  return c;
}

async function startLauncher(collectorUrl: string, extra: Partial<LauncherOptions> = {}): Promise<Launcher> {
  const launcher = await Launcher.start({
    replicas: 8,
    collectorUrl,
    updatesPerSec: 5,
    intervalMs: 50,
    fanout: 2,
    mode: "push-pull",
    payload: "delta",
    crdt: "awset",
    reportIntervalMs: 100,
    idPrefix: "it",
    seed: 3,
    pushPatch: { gossip: { intervalMs: 50 }, workload: { updatesPerSecPerReplica: 5 } },
    logger,
    agent: { backoff: { initialMs: 50, maxMs: 300, jitter: 0.5 } },
    ...extra,
  });
  cleanups.push(() => launcher.close());
  return launcher;
}

async function put(url: string, patch: unknown): Promise<{ status: number; body: { config?: { version: number }; code?: string; message?: string } }> {
  const response = await fetch(`${url}/api/v1/config`, { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify(patch) });
  return { status: response.status, body: (await response.json()) as never };
}

async function snapshot(url: string): Promise<Snapshot> {
  return (await (await fetch(`${url}/api/v1/cluster`)).json()) as Snapshot;
}

const sortVV = (vv: Iterable<readonly [string, number]>) => [...vv].filter(([, s]) => s > 0).sort(([a], [b]) => (a < b ? -1 : 1));

/** Does the collector hold exactly the replicas' true version vectors, hashes, seqs and missing counts? */
function mismatch(collector: Collector, replicas: readonly Replica[]): string | undefined {
  const frontier: VersionVector = new Map();
  for (const r of replicas) frontier.set(r.id, r.state.seq);
  const engine = collector.core.engine;
  for (const r of replicas) {
    const d = r.digest();
    const truth = JSON.stringify(sortVV(d.versionVector));
    const seen = JSON.stringify(sortVV(engine.versionVector(r.id) ?? []));
    if (truth !== seen) return `${r.id}: collector has ${seen}, replica has ${truth}`;
    if (engine.frontierFor(r.id) !== r.state.seq) return `${r.id}: frontier ${engine.frontierFor(r.id)} ≠ seq ${r.state.seq}`;
    const missing = vvMissing(frontier, d.versionVector);
    if (engine.missingUpdates(r.id) !== missing) return `${r.id}: missing ${engine.missingUpdates(r.id)} ≠ ${missing}`;
  }
  const figures = new Map(engine.replicaFigures(Date.now()).map((f) => [f.id, f]));
  for (const r of replicas) if (figures.get(r.id)?.hash !== r.digest().hash) return `${r.id}: hash differs`;
  return undefined;
}

/** Waits until no replica's state changes for `quietMs` (workload stopped, gossip settled). */
async function settled(replicas: readonly Replica[], quietMs = 400): Promise<void> {
  let last = "";
  let since = Date.now();
  await eventually("replicas to settle", () => {
    const now = replicas.map((r) => r.digest().hash + JSON.stringify(sortVV(r.digest().versionVector))).join("|");
    if (now !== last) {
      last = now;
      since = Date.now();
      return false;
    }
    return Date.now() - since >= quietMs;
  }, 20_000);
}

describe("agent with the real collector", () => {
  it("telemetry arrives and the collector's figures match the replicas' true state (also while partitioned)", async () => {
    const collector = await startCollector();
    const launcher = await startLauncher(collector.url);
    await eventually("the command-line config to be in force", () => collector.core.config.gossip.intervalMs === 50 && launcher.replicas.every((r) => r.config.intervalMs === 50));
    await eventually("every replica known and reporting", () => collector.core.engine.replicaIds().length === 8 && launcher.replicas[0]!.state.seq > 3);
    // Split the cluster in two and stop the workload: each half converges on its own state,
    // so missing-update counts are non-zero and must match exactly.
    const ids = launcher.replicas.map((r) => r.id);
    const cut = await put(collector.url, { network: { partitions: [ids.slice(0, 4), ids.slice(4)] } });
    expect(cut.status).toBe(200);
    // Both halves issue updates while cut off (stopping the workload in the same change could
    // leave nothing issued after the cut, and so nothing missing).
    const seqAtCut = launcher.replicas.map((r) => r.state.seq);
    await eventually("updates on both sides of the cut", () => [0, 4].every((i) => launcher.replicas[i]!.state.seq > seqAtCut[i]! + 1));
    expect((await put(collector.url, { workload: { updatesPerSecPerReplica: 0 } })).status).toBe(200);
    await eventually("workload stopped", () => launcher.workload.ratePerReplica === 0);
    await settled(launcher.replicas);
    await eventually("collector view exact", () => mismatch(collector, launcher.replicas) === undefined, 5000).catch(() => {
      throw new Error(mismatch(collector, launcher.replicas));
    });
    const totalMissing = launcher.replicas.reduce((n, r) => n + (collector.core.engine.missingUpdates(r.id) ?? 0), 0);
    expect(totalMissing).toBeGreaterThan(0);
    // Heal: everyone converges, the collector sees zero missing updates everywhere.
    await put(collector.url, { network: { partitions: [] } });
    await settled(launcher.replicas);
    await eventually("converged view", () => mismatch(collector, launcher.replicas) === undefined && ids.every((id) => collector.core.engine.missingUpdates(id) === 0));
    const snap = await snapshot(collector.url);
    expect(snap.replicas.map((r) => r.status)).toEqual(Array(8).fill("live"));
  });

  it("after the collector is killed and restarted, the agent reconnects and the view is exact within two report ticks", async () => {
    const first = await startCollector();
    const { port, dir } = first;
    let welcomes = 0;
    let seqAtWelcome = 0;
    let launcher: Launcher | undefined = undefined;
    launcher = await startLauncher(first.url, {
      agent: {
        backoff: { initialMs: 50, maxMs: 200, jitter: 0.5 },
        onWelcome: () => {
          welcomes++;
          seqAtWelcome = launcher?.agent.status().reportSeq ?? 0;
        },
      },
    });
    await eventually("reporting", () => first.core.engine.replicaIds().length === 8 && launcher.replicas[0]!.state.seq > 2);
    // Stop the synthetic workload (the restarted collector resumes that config, so the state
    // holds still after the reconnect), kill the collector, and change the state while it is away.
    await put(first.url, { workload: { updatesPerSecPerReplica: 0 } });
    await eventually("workload stopped", () => launcher.workload.ratePerReplica === 0);
    await first.close();
    for (const r of launcher.replicas.slice(0, 3)) r.update({ type: "add", element: `during-outage-${r.id}` } as never);
    await settled(launcher.replicas);
    expect(launcher.agent.status().connection).not.toBe("ready");
    // Restart on the same port and database (it resumes the config: no workload).
    const second = await startCollector({ port, dir });
    await eventually("reconnected", () => welcomes === 2 && launcher.agent.status().connection === "ready", 15_000);
    // At the collector's processing of the second report tick after the welcome, its view is exact.
    const target = seqAtWelcome + 2;
    await eventually("two report ticks after the reconnect processed", () => {
      const session = second.core.agents.sessionFor(launcher.agent.id, "test");
      return "lastReportSeq" in session && (session.lastReportSeq ?? 0) >= target;
    });
    expect(mismatch(second, launcher.replicas)).toBeUndefined();
    expect(launcher.agent.status().dropped.items).toBe(0); // the buffer held the whole outage
  });

  it("a config change reaches every replica within one gossip interval and is acknowledged per replica", async () => {
    const collector = await startCollector();
    const launcher = await startLauncher(collector.url);
    await eventually("every replica on the first config", () => collector.core.engine.replicaIds().length === 8 && launcher.replicas.every((r) => r.configVersion === collector.core.config.version));
    const answer = await put(collector.url, { gossip: { fanout: 3, mode: "push", payload: "digest", intervalMs: 80 } });
    expect(answer.status).toBe(200);
    const version = answer.body.config!.version;
    await eventually("every replica runs the new config", () =>
      launcher.replicas.every((r) => r.configVersion === version && r.config.fanout === 3 && r.config.mode === "push" && r.config.payload === "digest" && r.config.intervalMs === 80),
    );
    await eventually("the collector lists every replica as running it", async () => {
      const snap = await snapshot(collector.url);
      return snap.replicas.length === 8 && snap.replicas.every((r) => r.configVersion === version);
    });
    // Faults are applied too: crash one replica, then restore it.
    const victim = launcher.replicas[2]!;
    await put(collector.url, { network: { crashed: [victim.id] } });
    await eventually("crashed", () => victim.status === "crashed");
    await eventually("collector sees the crash", async () => (await snapshot(collector.url)).replicas.find((r) => r.id === victim.id)?.status === "crashed");
    await put(collector.url, { network: { crashed: [] } });
    await eventually("restored", () => victim.isRunning);
    await eventually("collector sees it live", async () => (await snapshot(collector.url)).replicas.find((r) => r.id === victim.id)?.status === "live");
  });

  it("a replica restarted without its state is announced as a new incarnation: the figures converge and nothing is flagged as reused", async () => {
    const collector = await startCollector();
    const launcher = await startLauncher(collector.url);
    await eventually("every replica reported", () => collector.core.engine.replicaCount === 8 && launcher.replicas.every((r) => r.state.seq > 2));
    const victim = launcher.replicas[3]!;
    victim.crash();
    victim.restore({ keepState: false });
    await eventually("the collector knows the new incarnation", () => collector.core.engine.replica(victim.id)?.incarnation === 1);
    expect((await put(collector.url, { workload: { updatesPerSecPerReplica: 0 } })).status).toBe(200);
    await eventually("converged again", async () => {
      const k = (await snapshot(collector.url)).frames.at(-1)?.kpis;
      return k !== undefined && k.convergedShare === 1 && k.inFlight === 0 && k.live === 8;
    }, 30_000); // a loaded CI machine: 8 replicas and the collector share two cores with other suites
    expect(collector.core.engine.replica(victim.id)?.dotReuse).toBeUndefined();
    const events = (await snapshot(collector.url)).events.map((e) => e.summary).join("\n");
    expect(events).not.toMatch(/reuses update ids/);
  });

  it("an invalid config is refused and nothing changes", async () => {
    const collector = await startCollector();
    const launcher = await startLauncher(collector.url);
    await eventually("settled on the first config", () => launcher.replicas.every((r) => r.configVersion === collector.core.config.version && r.config.intervalMs === 50));
    const before = collector.core.config.version;
    // Invalid for the protocol: the collector refuses it with the field and reason.
    const bad = await put(collector.url, { gossip: { fanout: 0 } });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain("gossip.fanout");
    expect(collector.core.config.version).toBe(before);
    // Valid for the protocol, but these replicas cannot switch CRDT type live: the agent
    // refuses it with the reason, the collector records the refusal, nothing changes.
    const other = await put(collector.url, { workload: { crdtType: "gcounter" }, gossip: { intervalMs: 200 } });
    expect(other.status).toBe(200);
    const refusedVersion = other.body.config!.version;
    await eventually("the refusal on the timeline", async () =>
      (await snapshot(collector.url)).events.some((e) => e.kind === "config" && e.version === refusedVersion && /refused/.test(e.summary)),
    );
    const event = (await snapshot(collector.url)).events.find((e) => e.version === refusedVersion && /refused/.test(e.summary))!;
    expect(JSON.stringify(event)).toContain("CRDT type cannot change live");
    await new Promise((r) => setTimeout(r, 300)); // several gossip intervals
    expect(launcher.replicas.every((r) => r.configVersion === before && r.config.intervalMs === 50)).toBe(true);
    const snap = await snapshot(collector.url);
    expect(snap.replicas.every((r) => r.configVersion === before)).toBe(true);
    expect(launcher.agent.status().lastConfigError).toContain("CRDT type");
  });

  it("observes a node that is not a gossip replica (a hand-written fake node)", async () => {
    const collector = await startCollector();
    const agent = createAgent({ collectorUrl: collector.url, agentId: "fake-agent", logger, reportIntervalMs: 100 });
    cleanups.push(() => agent.close());
    const nodes = ["fa", "fb", "fc"].map((id) => new FakeNode(id));
    for (const n of nodes) agent.attach(n);
    for (let i = 0; i < 5; i++) nodes[0]!.update();
    for (let i = 0; i < 3; i++) nodes[1]!.update();
    nodes[2]!.syncFrom(nodes[0]!);
    nodes[1]!.syncFrom(nodes[2]!);
    const engine = collector.core.engine;
    await eventually("the fake nodes' vectors at the collector", () =>
      nodes.every((n) => JSON.stringify(sortVV(engine.versionVector(n.id) ?? [])) === JSON.stringify(sortVV(n.counts))),
    );
    expect(engine.missingUpdates("fa")).toBe(3); // fa lacks fb's 3 updates
    expect(engine.missingUpdates("fb")).toBe(0);
    expect(engine.missingUpdates("fc")).toBe(3);
    // It applies and acknowledges configs through its own adapter.
    const answer = await put(collector.url, { gossip: { intervalMs: 250 } });
    await eventually("fake nodes retuned", () => nodes.every((n) => n.intervalMs === 250));
    await eventually("acknowledged", async () => (await snapshot(collector.url)).replicas.every((r) => r.configVersion === answer.body.config!.version));
  });
});
