// Two nodes written from docs/protocol.md alone (plain JSON over POST /api/v1/ingest, no
// Driftscope code): each hosts three replicas of a grow-only counter that gossip among
// themselves. The first leaves (bye), the second joins: its missing counts must equal its
// own truth at every check, and the cluster must read converged once it stops updating.
import { afterEach, describe, expect, it } from "vitest";
import { startCollector, type TestCollector } from "./harness.js";

type VV = Map<string, number>;

/** A node as a user writes it from the protocol document. */
class HttpNode {
  readonly vv = new Map<string, VV>();
  private readonly reported = new Map<string, VV>();
  private readonly issued = new Map<string, Array<[number, number]>>();
  private seq = 0;
  private rand: number;

  constructor(
    private readonly url: string,
    readonly agentId: string,
    readonly replicas: string[],
    seed: number,
  ) {
    this.rand = seed;
    for (const r of replicas) {
      this.vv.set(r, new Map());
      this.reported.set(r, new Map());
      this.issued.set(r, []);
    }
  }

  private random(): number {
    this.rand = (Math.imul(this.rand, 1103515245) + 12345) >>> 0;
    return this.rand / 4294967296;
  }

  private async post(lines: object[]): Promise<{ accepted: number; rejected: unknown[] }> {
    const res = await fetch(`${this.url}/api/v1/ingest`, {
      method: "POST",
      headers: { "content-type": "application/x-ndjson" },
      body: lines.map((l) => JSON.stringify(l)).join("\n"),
    });
    return (await res.json()) as { accepted: number; rejected: unknown[] };
  }

  async hello(): Promise<void> {
    const answer = await this.post([
      { type: "hello", protocol: 1, agentId: this.agentId, node: { name: this.agentId, language: "none" }, replicas: this.replicas.map((id) => ({ id, crdtType: "gcounter" })), clock: { agentTimeMs: Date.now() }, reportIntervalMs: 100 },
    ]);
    expect(answer.rejected).toEqual([]);
  }

  /** Each replica issues one update with probability `p`, then one random pull between replicas. */
  step(p: number): void {
    for (const r of this.replicas) {
      if (this.random() >= p) continue;
      const own = this.vv.get(r)!;
      const s = (own.get(r) ?? 0) + 1;
      own.set(r, s);
      this.issued.get(r)!.push([s, Date.now()]);
    }
    const a = this.replicas[Math.floor(this.random() * this.replicas.length)]!;
    const b = this.replicas[Math.floor(this.random() * this.replicas.length)]!;
    for (const [origin, s] of this.vv.get(b)!) if (s > (this.vv.get(a)!.get(origin) ?? 0)) this.vv.get(a)!.set(origin, s);
  }

  /** One report: whole vectors the first time, then only the entries that changed. */
  async report(full: boolean): Promise<void> {
    const replicas = this.replicas.map((r) => {
      const vv = this.vv.get(r)!;
      const last = this.reported.get(r)!;
      const changed = [...vv].filter(([o, s]) => full || last.get(o) !== s);
      for (const [o, s] of changed) last.set(o, s);
      const state = [...vv].sort().map(([o, s]) => `${o}${s}`).join("") || "empty";
      return {
        replica: r,
        seq: vv.get(r) ?? 0,
        full,
        vv: changed,
        hash: state.replace(/[^A-Za-z0-9]/g, "x").slice(0, 120),
        bytes: 8 * vv.size,
        summary: `count=${[...vv.values()].reduce((x, y) => x + y, 0)}`,
        issued: this.issued.get(r)!.splice(0),
        sync: { sentMessages: 0, sentBytes: 0, receivedMessages: 0, receivedBytes: 0, merges: 0, changedMerges: 0 },
      };
    });
    const answer = await this.post([{ type: "report", agentId: this.agentId, seq: this.seq++, timeMs: Date.now(), replicas }]);
    expect(answer.rejected).toEqual([]);
  }

  async bye(): Promise<void> {
    await this.post([{ type: "bye", agentId: this.agentId, reason: "done" }]);
  }

  /** Missing updates per replica by DESIGN §3, from this node's own state (it is the whole membership). */
  missingTruth(): Record<string, number> {
    const frontier = new Map<string, number>();
    for (const vv of this.vv.values()) for (const [o, s] of vv) frontier.set(o, Math.max(s, frontier.get(o) ?? 0));
    return Object.fromEntries(this.replicas.map((r) => [r, [...frontier].reduce((m, [o, f]) => m + f - (this.vv.get(r)!.get(o) ?? 0), 0)]));
  }
}

interface ClusterAnswer {
  replicas: Array<{ id: string }>;
  frames: Array<{ timeMs: number; columns: { missingUpdates: number[] }; kpis: { convergedShare: number; lostUpdates: number; inFlight: number } }>;
}

let t: TestCollector | undefined;
afterEach(async () => {
  await t?.stop();
  t = undefined;
});

async function latest(url: string, after: number): Promise<ClusterAnswer["frames"][number] & { ids: string[] }> {
  for (;;) {
    const snap = (await (await fetch(`${url}/api/v1/cluster`)).json()) as ClusterAnswer;
    const frame = snap.frames.at(-1);
    if (frame !== undefined && frame.timeMs > after) return { ...frame, ids: snap.replicas.map((r) => r.id) };
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("HTTP nodes written from docs/protocol.md", () => {
  it("CL-H1: the first node leaves, the second joins: its missing counts equal its truth, and it converges", async () => {
    t = await startCollector({ frameHz: 10 });
    const first = new HttpNode(t.url, "first", ["f0", "f1", "f2"], 1);
    await first.hello();
    await first.report(true);
    for (let i = 0; i < 15; i++) {
      first.step(0.8);
      await first.report(false);
      await new Promise((r) => setTimeout(r, 20));
    }
    await first.bye();

    const second = new HttpNode(t.url, "second", ["s0", "s1", "s2"], 2);
    await second.hello();
    await second.report(true);
    for (let i = 0; i < 15; i++) {
      second.step(0.8);
      await second.report(false);
      const sent = Date.now();
      const frame = await latest(t.url, sent);
      expect(frame.ids).toEqual(second.replicas);
      expect(Object.fromEntries(frame.ids.map((id, k) => [id, frame.columns.missingUpdates[k]]))).toEqual(second.missingTruth());
    }
    // It stops updating and gossips until every replica holds everything.
    for (let i = 0; i < 30 && Object.values(second.missingTruth()).some((m) => m > 0); i++) second.step(0);
    expect(Object.values(second.missingTruth())).toEqual([0, 0, 0]);
    await second.report(false);
    const end = await latest(t.url, Date.now());
    expect(end.kpis.convergedShare).toBe(1);
    expect(end.kpis.inFlight).toBe(0);
    expect(end.kpis.lostUpdates).toBeGreaterThan(0); // what only the first node held
  });
});
