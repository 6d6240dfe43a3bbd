import { describe, expect, it } from "vitest";
import { WebSocketTransport } from "./WebSocketTransport.js";

const waitFor = async (predicate: () => boolean, ms = 10_000) => {
  const deadline = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 5));
  }
};

describe("WebSocketTransport", () => {
  it("G-WS1: listens on 127.0.0.1 with an ephemeral port", async () => {
    const t = new WebSocketTransport();
    const url = await t.listen();
    expect(url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+$/);
    expect(url).not.toMatch(/:0$/);
    await t.close();
  });

  it("G-WS2: reconnects to a peer process that restarts on the same port; sends meanwhile do not throw, and later ones reach it", async () => {
    const a = new WebSocketTransport({ reconnectMinMs: 10 });
    await a.listen();
    const b1 = new WebSocketTransport();
    const url = await b1.listen();
    const port = Number(new URL(url).port);
    const got: number[] = [];
    b1.attach("b", (_f, bytes) => got.push(bytes[0]!));
    a.addPeer("b", url);
    const ea = a.attach("a", () => {});
    ea.send("b", new Uint8Array([1]));
    await waitFor(() => got.length === 1);
    await b1.close();
    // Sent while b is down: queued, then delivered once b is back on the same port.
    ea.send("b", new Uint8Array([2]));
    await new Promise((r) => setTimeout(r, 50));
    ea.send("b", new Uint8Array([3]));
    const b2 = new WebSocketTransport({ port });
    await b2.listen();
    b2.attach("b", (_f, bytes) => got.push(bytes[0]!));
    ea.send("b", new Uint8Array([4]));
    await waitFor(() => got.includes(4));
    expect(got[0]).toBe(1);
    expect(got).toContain(4);
    await a.close();
    await b2.close();
  });

  it("G-WS3: answers a peer that only connected to us, over the same socket", async () => {
    const server = new WebSocketTransport();
    const url = await server.listen();
    const client = new WebSocketTransport(); // never listens: it has no URL of its own
    const atClient: string[] = [];
    const atServer: string[] = [];
    const s = server.attach("s", (from) => atServer.push(from));
    client.addPeer("s", url);
    client.attach("c", (from) => atClient.push(from)).send("s", new Uint8Array(1));
    await waitFor(() => atServer.length === 1);
    s.send("c", new Uint8Array(1)); // the server learnt the route to c from c's frame
    await waitFor(() => atClient.length === 1);
    expect(atServer).toEqual(["c"]);
    expect(atClient).toEqual(["s"]);
    await client.close();
    await server.close();
  });
});
