import { InMemoryNetwork, type LinkConditions } from "../net/InMemoryNetwork.js";
import { WebSocketTransport } from "../net/WebSocketTransport.js";
import { RealScheduler } from "../time/RealScheduler.js";
import { Rng } from "../time/Rng.js";
import { VirtualScheduler } from "../time/VirtualScheduler.js";
import type { TransportFixture } from "./transportContract.js";

/** A fixture over one InMemoryNetwork in virtual time (all "nodes" share it). */
export async function inMemoryFixture(seed = 1, conditions: Partial<LinkConditions> = {}): Promise<TransportFixture> {
  const scheduler = new VirtualScheduler();
  const network = new InMemoryNetwork(scheduler, new Rng(seed), conditions);
  return {
    nodes: 2,
    scheduler,
    attach: (id, _node, onMessage) => network.attach(id, onMessage),
    transportFor: () => network,
    until: async (predicate, what) => {
      if (!scheduler.runUntilTrue(predicate, scheduler.now() + 600_000)) throw new Error(`timed out (virtual 10 min): ${what}`);
    },
    settle: async () => {
      while (network.messagesInFlight > 0 && scheduler.step()) {
        // run every delivery
      }
    },
    close: () => network.close(),
  };
}

/** A fixture of `nodes` WebSocket transports on 127.0.0.1 (one per simulated process), real time. */
export async function webSocketFixture(nodes = 2): Promise<TransportFixture> {
  const transports = Array.from({ length: nodes }, () => new WebSocketTransport({ host: "127.0.0.1", port: 0 }));
  const urls = await Promise.all(transports.map((t) => t.listen()));
  const scheduler = new RealScheduler();
  return {
    nodes,
    scheduler,
    attach: (id, node, onMessage) => {
      const endpoint = transports[node]!.attach(id, onMessage);
      transports.forEach((t, i) => {
        if (i !== node) t.addPeer(id, urls[node]!);
      });
      return endpoint;
    },
    transportFor: (node, ids) => {
      for (const id of ids) {
        transports.forEach((t, i) => {
          if (i !== node) t.addPeer(id, urls[node]!);
        });
      }
      return transports[node]!;
    },
    until: async (predicate, what) => {
      const deadline = Date.now() + 10_000;
      while (!predicate()) {
        if (Date.now() > deadline) throw new Error(`timed out (10 s): ${what}`);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    },
    settle: () => new Promise((resolve) => setTimeout(resolve, 100)),
    close: async () => {
      await Promise.all(transports.map((t) => t.close()));
    },
  };
}
