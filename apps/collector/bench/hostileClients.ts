// Benchmark helper (a separate process): 20 hostile clients, each from its own loopback
// address (127.0.0.20…, as 20 machines would be), as fast as the collector lets them:
// - oversized: HTTP ingest bodies over the limit (refused by their declared length) and
//   8 MiB bodies of bad lines (parsed in slices and rejected);
// - binary: socket.io events carrying 4 MiB of binary, reconnecting after each refusal;
// - flood: subscribed dashboards asking for a snapshot 1,000 times a second;
// - slow: dashboards that subscribe and then stop reading, reconnecting when dropped.
// Prints one JSON line with what each kind did, then exits.
import { request } from "node:http";
import { AGENT_NAMESPACE, DASHBOARD_NAMESPACE } from "@driftscope/protocol";
import { io, type Socket } from "socket.io-client";

const { url, clients, durationMs, kinds: only } = JSON.parse(process.argv[2] ?? "{}") as { url: string; clients: number; durationMs: number; kinds?: string[] };
const endAt = Date.now() + durationMs;
const target = new URL(url);
const running = () => Date.now() < endAt;
const counts: Record<string, Record<string, number>> = { oversized: {}, binary: {}, flood: {}, slow: {} };
const count = (kind: string, what: string) => (counts[kind]![what] = (counts[kind]![what] ?? 0) + 1);
const sockets = new Set<Socket>();

const BINARY = new Uint8Array(4 << 20).fill(7);
// 10,000 lines of 800 characters (the most a body may carry), each refused for an unknown field.
const BAD_LINES = Buffer.from(new Array(10_000).fill(`{"type":"report","agentId":"x","seq":1,"timeMs":1,"replicas":[],"junk":"${"x".repeat(720)}"}`).join("\n"));
const SNAPSHOT_REQUEST = `2${DASHBOARD_NAMESPACE},["request-snapshot",{"type":"request-snapshot"}]`;

function post(localAddress: string, body: Buffer | undefined, declared: number): Promise<number> {
  return new Promise((resolve) => {
    const req = request(
      { host: target.hostname, port: target.port, localAddress, method: "POST", path: "/api/v1/ingest", headers: { "content-type": "application/x-ndjson", "content-length": String(declared) } },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      },
    );
    req.on("error", () => resolve(0));
    if (body === undefined) req.end();
    else req.end(body);
  });
}

async function oversized(localAddress: string): Promise<void> {
  for (let i = 0; running(); i++) {
    const status = i % 2 === 0 ? await post(localAddress, undefined, 12 << 20) : await post(localAddress, BAD_LINES, BAD_LINES.length);
    count("oversized", String(status));
    if (status === 429 || status === 0) await new Promise((r) => setTimeout(r, 50));
  }
}

/** Resolves true once connected, false if the collector refused or did not answer in 10 s. */
function opened(socket: Socket): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), 10_000);
    socket.once("connect", () => (clearTimeout(timer), resolve(true)));
    socket.once("connect_error", () => (clearTimeout(timer), resolve(false)));
  });
}

function connect(nsp: string, localAddress: string): Socket {
  const socket = io(`${url}${nsp}`, { transports: ["websocket"], forceNew: true, reconnection: false, localAddress } as never);
  sockets.add(socket);
  socket.on("disconnect", () => sockets.delete(socket));
  return socket;
}

async function binary(localAddress: string): Promise<void> {
  while (running()) {
    const socket = connect(AGENT_NAMESPACE, localAddress);
    await new Promise<void>((resolve) => {
      socket.once("connect", () => (socket as unknown as { emit(e: string, p: unknown): void }).emit("ping", BINARY));
      socket.once("disconnect", () => resolve());
      socket.once("connect_error", () => resolve());
      setTimeout(resolve, 5000);
    });
    count("binary", socket.connected ? "still connected" : "closed");
    socket.close();
  }
}

async function flood(localAddress: string): Promise<void> {
  while (running()) {
    const socket = connect(DASHBOARD_NAMESPACE, localAddress);
    socket.on("snapshot", () => count("flood", "snapshots"));
    socket.on("error", () => count("flood", "errors"));
    if (!(await opened(socket))) {
      count("flood", "refused at connect");
      socket.close();
      continue;
    }
    socket.emit("subscribe", { type: "subscribe" });
    while (running() && socket.connected) {
      for (let i = 0; i < 100; i++) (socket.io.engine as unknown as { write(d: string): void }).write(SNAPSHOT_REQUEST);
      count("flood", "requests");
      await new Promise((r) => setTimeout(r, 100));
    }
    socket.close();
  }
}

async function slow(localAddress: string): Promise<void> {
  while (running()) {
    const socket = connect(DASHBOARD_NAMESPACE, localAddress);
    if (!(await opened(socket))) {
      count("slow", "refused at connect");
      socket.close();
      continue;
    }
    socket.emit("subscribe", { type: "subscribe" });
    await new Promise((r) => setTimeout(r, 200));
    const ws = (socket.io.engine as unknown as { transport: { ws: { pause(): void; resume(): void } } }).transport.ws;
    ws.pause();
    count("slow", "paused");
    // A paused socket cannot see its connection end: look again after the collector's 30 s.
    const until = Math.min(endAt, Date.now() + 35_000);
    while (Date.now() < until) await new Promise((r) => setTimeout(r, 200));
    ws.resume();
    await new Promise((r) => setTimeout(r, 500));
    count("slow", socket.connected ? "still connected" : "dropped by the collector");
    socket.close();
  }
}

const kinds = [oversized, binary, flood, slow].filter((k) => only === undefined || only.includes(k.name));
await Promise.all(Array.from({ length: clients }, (_, i) => kinds[i % kinds.length]!(`127.0.0.${20 + i}`)));
for (const s of sockets) s.close();
console.log(JSON.stringify(counts));
process.exit(0);
