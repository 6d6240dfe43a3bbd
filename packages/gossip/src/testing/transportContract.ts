import { GCounter } from "@driftscope/crdt";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { StaticView } from "../membership/Membership.js";
import type { Endpoint, MessageHandler, Transport } from "../net/Transport.js";
import { Replica } from "../replica/Replica.js";
import { Rng } from "../time/Rng.js";
import type { Scheduler } from "../time/Scheduler.js";

/**
 * What the transport contract suite needs from one transport implementation. A fixture may span
 * several "nodes" (processes, for the WebSocket transport; one network for the in-memory one).
 */
export interface TransportFixture {
  /** Number of nodes replicas can be attached to (≥ 2 for cross-process transports). */
  readonly nodes: number;
  /** Attaches replica `id` on node `node`, reachable by id from every node. */
  attach(id: string, node: number, onMessage: MessageHandler): Endpoint;
  /** The transport of node `node`, to host replicas `ids` there (made reachable by id from every node). */
  transportFor(node: number, ids: readonly string[]): Transport;
  /** Runs the transport (and the scheduler) until `predicate()` holds; rejects after a bound. */
  until(predicate: () => boolean, what: string): Promise<void>;
  /** Lets every message in flight arrive or be dropped. */
  settle(): Promise<void>;
  /** The scheduler replicas on this fixture must use (virtual or real). */
  readonly scheduler: Scheduler;
  /** Closes every transport of the fixture. */
  close(): Promise<void>;
}

interface Received {
  from: string;
  bytes: Uint8Array;
}

/**
 * The contract every transport meets (run against InMemoryNetwork and WebSocketTransport):
 * exact bytes from the right sender, per-link order, no throw on unknown peers, detach stops
 * delivery and re-attach resumes it, close is clean.
 */
export function transportContract(name: string, makeFixture: () => Promise<TransportFixture>): void {
  describe(`transport contract: ${name}`, () => {
    let fx: TransportFixture;
    beforeEach(async () => {
      fx = await makeFixture();
    });
    afterEach(async () => {
      await fx.close();
    });

    const inbox = () => {
      const got: Received[] = [];
      const handler: MessageHandler = (from, bytes) => got.push({ from, bytes });
      return { got, handler };
    };
    const other = () => (fx.nodes > 1 ? 1 : 0);

    it("G-T1: delivers the exact bytes with the sender's id, across nodes", async () => {
      const a = inbox();
      const b = inbox();
      const ea = fx.attach("a", 0, a.handler);
      fx.attach("b", other(), b.handler);
      const payloads = [new Uint8Array([]), new Uint8Array([0, 255, 1, 254]), bigPayload(256 * 1024)];
      for (const p of payloads) ea.send("b", p);
      await fx.until(() => b.got.length === payloads.length, "three messages at b");
      for (let i = 0; i < payloads.length; i++) {
        expect(b.got[i]!.from).toBe("a");
        expect(Array.from(b.got[i]!.bytes.subarray(0, 8))).toEqual(Array.from(payloads[i]!.subarray(0, 8)));
        expect(b.got[i]!.bytes.length).toBe(payloads[i]!.length);
        expect(equalBytes(b.got[i]!.bytes, payloads[i]!)).toBe(true);
      }
      expect(a.got).toHaveLength(0);
    });

    it("G-T2: both directions work and per-link order is kept", async () => {
      const a = inbox();
      const b = inbox();
      const ea = fx.attach("a", 0, a.handler);
      const eb = fx.attach("b", other(), b.handler);
      for (let i = 0; i < 100; i++) ea.send("b", new Uint8Array([i]));
      await fx.until(() => b.got.length === 100, "100 messages a→b");
      for (let i = 0; i < 50; i++) eb.send("a", new Uint8Array([i]));
      await fx.until(() => a.got.length === 50, "50 messages b→a");
      expect(b.got.map((m) => m.bytes[0])).toEqual(Array.from({ length: 100 }, (_, i) => i));
      expect(a.got.map((m) => m.bytes[0])).toEqual(Array.from({ length: 50 }, (_, i) => i));
      expect(new Set(a.got.map((m) => m.from))).toEqual(new Set(["b"]));
    });

    it("G-T3: replicas on the same node reach each other too", async () => {
      const a = inbox();
      const c = inbox();
      const ea = fx.attach("a", 0, a.handler);
      fx.attach("c", 0, c.handler);
      ea.send("c", new Uint8Array([7]));
      await fx.until(() => c.got.length === 1, "a→c on one node");
      expect(c.got[0]!.from).toBe("a");
    });

    it("G-T4: sending to an unknown replica does not throw and delivers nothing", async () => {
      const a = inbox();
      const ea = fx.attach("a", 0, a.handler);
      expect(() => ea.send("nobody", new Uint8Array([1]))).not.toThrow();
      await fx.settle();
      expect(a.got).toHaveLength(0);
    });

    it("G-T5: a closed endpoint receives nothing; attaching the id again resumes delivery", async () => {
      const a = inbox();
      const b = inbox();
      const ea = fx.attach("a", 0, a.handler);
      const eb = fx.attach("b", other(), b.handler);
      eb.close();
      ea.send("b", new Uint8Array([1]));
      await fx.settle();
      expect(b.got).toHaveLength(0);
      const b2 = inbox();
      fx.attach("b", other(), b2.handler);
      ea.send("b", new Uint8Array([2]));
      await fx.until(() => b2.got.length === 1, "delivery after re-attach");
      expect(b2.got[0]!.bytes[0]).toBe(2);
      expect(b.got).toHaveLength(0);
      expect(() => eb.send("a", new Uint8Array([3]))).not.toThrow();
    });

    it("G-T6: attaching an id twice on one node is refused", () => {
      fx.attach("a", 0, () => {});
      expect(() => fx.attach("a", 0, () => {})).toThrow();
    });

    it("G-T7: replicas spread over the nodes converge by gossip through it (every mode and payload)", async () => {
      const ids = ["g0", "g1", "g2", "g3"];
      const configs = [
        { mode: "push", payload: "delta" },
        { mode: "pull", payload: "full" },
        { mode: "push-pull", payload: "digest" },
      ] as const;
      let k = 0;
      for (const config of configs) {
        const names = ids.map((id) => `${id}-${k}`);
        k++;
        const view = new StaticView(names);
        const replicas = names.map(
          (id, i) =>
            new Replica({
              id, type: GCounter, transport: fx.transportFor(i % fx.nodes, [id]), scheduler: fx.scheduler, rng: new Rng(i + 1), view,
              config: { ...config, intervalMs: 20, fanout: 2 },
            }),
        );
        for (const r of replicas) r.update({ type: "increment", amount: 1 });
        await fx.until(() => replicas.every((r) => r.value() === names.length), `${config.mode}/${config.payload} converges`);
        for (const r of replicas) r.leave({ handoff: false });
      }
    });
  });
}

function bigPayload(n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (i * 31 + 7) & 0xff;
  return out;
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
