// Benchmark helper (a separate process): `connections` socket.io agents, each hosting
// `replicasPerConnection` replicas, reporting at `hz` through real socket.io. The cluster
// is synthetic but consistent across processes: origin o has issued
// F_o(t) = ⌊(t − start)·rate/1000 + phase_o⌋ dots by time t; every tick a replica learns
// `entriesPerReplica − 1` origins (round-robin) as they were a random 0–1.5 s ago. A tick's
// entries are sent as reports of about 64 KB, as the agent splits them (`reportBytes`).
// Latency probe: each replica's configVersion carries the report's send time in ms since
// `startMs`, so a dashboard can tell when a frame reflects it.
// Prints one JSON line with what was sent, then exits.
import { AGENT_NAMESPACE, PROTOCOL_VERSION, type AgentToCollectorEvents, type CollectorToAgentEvents, type Report, type ReplicaReport } from "@driftscope/protocol";
import { io, type Socket } from "socket.io-client";

interface Options {
  url: string;
  connections: number;
  replicasPerConnection: number;
  hz: number;
  durationMs: number;
  entriesPerReplica: number;
  updatesPerSec: number;
  startMs: number;
  /** Follow the report interval an overloaded collector asks for (default true). */
  follow?: boolean;
  /** Ask for each tick's acknowledgement and skip ticks while one is unanswered, as the agent does (default true). */
  pace?: boolean;
  /** Split each tick's reports by size, as the agent does (its 64 KB); 0: one report per tick. */
  reportBytes?: number;
}

const opts = JSON.parse(process.argv[2] ?? "{}") as Options;
const total = opts.connections * opts.replicasPerConnection;
const ids = Array.from({ length: total }, (_, i) => `r${String(i).padStart(4, "0")}`);
const quoted = ids.map((id) => JSON.stringify(id));
const phase = ids.map((_, i) => (i * 0.6180339887) % 1);
const rate = opts.updatesPerSec;
const frontier = (o: number, t: number) => Math.max(0, Math.floor(((t - opts.startMs) * rate) / 1000 + phase[o]!));
const issuedAt = (o: number, seq: number) => opts.startMs + ((seq - phase[o]!) * 1000) / rate;

let sentReports = 0;
let skippedTicks = 0;
/** Bytes the websocket may hold unsent before a tick is skipped: a few reports, at least 256 KiB. */
let congestedBytes = 256 * 1024;
function congested(socket: AgentSocket): boolean {
  const engine = (socket.io as unknown as { engine?: { transport?: { ws?: { bufferedAmount?: number } }; writeBuffer?: unknown[] } }).engine;
  return (engine?.transport?.ws?.bufferedAmount ?? 0) > congestedBytes || (engine?.writeBuffer?.length ?? 0) > 4;
}
/** The longest report interval in force at any connection at the end (ms). */
const intervalInForce: number[] = [];
let sentEntries = 0;
let sentVvEntries = 0;
let welcomed = 0;
let errors = 0;
const tickLag: number[] = [];
const buildMs: number[] = [];
const firstError: string[] = [];

/**
 * A tick's replica entries (JSON texts) joined into reports of about `reportBytes` (the
 * agent's 64 KB, or a tick in at most 8 reports); 0: one report per tick.
 */
function splitBySize(parts: string[]): string[] {
  const reportBytes = opts.reportBytes ?? 0;
  if (reportBytes <= 0) return [parts.join(",")];
  const size = parts.reduce((n, p) => n + p.length + 1, 0);
  const target = Math.max(reportBytes, Math.ceil(size / 8));
  const out: string[] = [];
  let from = 0;
  let bytes = 0;
  for (let i = 0; i < parts.length; i++) {
    if (i > from && bytes + parts[i]!.length > target) {
      out.push(parts.slice(from, i).join(","));
      from = i;
      bytes = 0;
    }
    bytes += parts[i]!.length + 1;
  }
  out.push(parts.slice(from).join(","));
  return out;
}

type AgentSocket = Socket<CollectorToAgentEvents, AgentToCollectorEvents>;
/** The engine.io connection under a socket: `write` sends one text message (a pre-encoded socket.io packet). */
const engineOf = (socket: AgentSocket) => (socket.io as unknown as { engine: { write(data: string): void } }).engine;
/** socket.io-client's acknowledgement table: a packet written with id `n` is answered through `acks[n]`. */
const acksOf = (socket: AgentSocket) => socket as unknown as { ids: number; acks: Record<number, (answer: unknown) => void> };

function startConnection(c: number): Promise<AgentSocket> {
  const agentId = `bench-agent-${c}`;
  const mine = Array.from({ length: opts.replicasPerConnection }, (_, i) => c * opts.replicasPerConnection + i);
  const vv = mine.map(() => new Float64Array(total));
  const cursor = mine.map((r) => (r * 7) % total);
  const ownSent = mine.map(() => 0);
  const socket: AgentSocket = io(`${opts.url}${AGENT_NAMESPACE}`, { transports: ["websocket"], reconnection: false, forceNew: true });
  let seq = 0;
  socket.on("error", (e) => {
    errors++;
    if (firstError.length < 3) firstError.push(`${e.code}: ${e.message}`);
  });
  let expected = 0;
  let unacked = false;
  /** A tick was skipped while a report waited for its answer: it goes when the answer comes. */
  let owed = false;
  let stopped = false;
  const tick = (first: boolean, onAnswer = false) => {
    if (stopped) return;
    // Like the real agent: no report is queued behind a congested socket or an unanswered one
    // (the collector or the machine is not keeping up); the tick is skipped and counted, and
    // what it would have said goes as soon as the answer comes (the agent sends the entries it
    // folded meanwhile then, not at its next tick).
    if (!first && (congested(socket) || unacked)) {
      skippedTicks++;
      owed ||= unacked;
      return;
    }
    const now = Date.now();
    if (!first && !onAnswer && expected > 0) tickLag.push(now - expected);
    if (!onAnswer) expected = now + 1000 / opts.hz;
    // The report is written as JSON text directly and sent as the socket.io packet it would be:
    // socket.io-client's encoder (a walk for binary parts, then JSON.stringify) cost the agents
    // about twice what the server spends reading it, so the agents, not the server, set the ceiling.
    const parts: string[] = [];
    for (let i = 0; i < mine.length; i++) {
      const r = mine[i]!;
      const own = frontier(r, now);
      const v = vv[i]!;
      v[r] = own;
      let entries = `[${quoted[r]},${own}]`;
      if (!first) {
        for (let j = 0; j < opts.entriesPerReplica - 1; j++) {
          let o = cursor[i]!;
          cursor[i] = (o + 1) % total;
          if (o === r) {
            o = cursor[i]!;
            cursor[i] = (o + 1) % total;
          }
          const learned = frontier(o, now - Math.random() * 1500);
          if (learned > v[o]!) v[o] = learned;
          entries += `,[${quoted[o]},${v[o]}]`;
        }
      }
      let issued = "";
      let n = 0;
      for (let s = ownSent[i]! + 1; s <= own && n < 64; s++, n++) issued += `${n === 0 ? "" : ","}[${s},${issuedAt(r, s)}]`;
      ownSent[i] = own;
      const vvCount = first ? 1 : opts.entriesPerReplica;
      sentEntries += vvCount + n;
      sentVvEntries += vvCount;
      parts.push(
        `{"replica":${quoted[r]},"seq":${own},${first ? '"full":true,' : ""}"vv":[${entries}],"hash":"h${own}x${r}","bytes":${64 + own * 8},"summary":"count=${own}",` +
          `"issued":[${issued}],"sync":{"sentMessages":${seq * 2},"sentBytes":${seq * 900},"receivedMessages":${seq * 2},"receivedBytes":${seq * 900},"merges":${seq},"changedMerges":${seq}},` +
          `"configVersion":${Math.max(0, Math.round(now - opts.startMs))}}`,
      );
    }
    // Split by size as the agent's packReports does (about 64 KB, a tick in at most 8); the
    // last report of the tick asks for the acknowledgement that paces the next tick.
    const groups = splitBySize(parts);
    congestedBytes = Math.max(congestedBytes, 4 * groups.reduce((n, g) => n + g.length, 0));
    groups.forEach((group, k) => {
      const report = `{"type":"report","agentId":${JSON.stringify(agentId)},"seq":${++seq},"timeMs":${now},"replicas":[${group}]}`;
      if (opts.pace === false || k < groups.length - 1) {
        engineOf(socket).write(`2${AGENT_NAMESPACE},["report",${report}]`);
      } else {
        const table = acksOf(socket);
        const id = table.ids++;
        unacked = true;
        table.acks[id] = () => {
          unacked = false;
          if (!owed) return;
          owed = false;
          tick(false, true);
        };
        engineOf(socket).write(`2${AGENT_NAMESPACE},${id}["report",${report}]`);
      }
    });
    buildMs.push(Date.now() - now);
    sentReports += groups.length;
  };
  return new Promise((resolve, reject) => {
    socket.on("connect_error", reject);
    socket.on("welcome", (w) => {
      welcomed++;
      tick(true);
      // Spread connections over the tick so reports do not all land at once.
      const offset = (c * (1000 / opts.hz)) / opts.connections;
      intervalInForce[c] = 1000 / opts.hz;
      setTimeout(() => {
        let timer = setInterval(() => tick(false), 1000 / opts.hz);
        // An overloaded collector asks for a longer interval (config.reportIntervalMs); a client may follow.
        socket.on("config", (m) => {
          if (m.reportIntervalMs === undefined || opts.follow === false || m.reportIntervalMs === intervalInForce[c]) return;
          intervalInForce[c] = m.reportIntervalMs;
          clearInterval(timer);
          timer = setInterval(() => tick(false), m.reportIntervalMs);
        });
        setTimeout(() => {
          clearInterval(timer);
          stopped = true;
          socket.emit("bye", { type: "bye", agentId: agentId as Report["agentId"], reason: "bench over" });
          setTimeout(() => socket.close(), 100);
        }, opts.durationMs - offset);
      }, offset);
      resolve(socket);
      void w;
    });
    socket.on("connect", () => {
      socket.emit("hello", {
        type: "hello",
        protocol: PROTOCOL_VERSION,
        agentId: agentId as Report["agentId"],
        node: { name: `bench-node-${c}`, pid: process.pid, language: "typescript" },
        replicas: mine.map((r) => ({ id: ids[r] as ReplicaReport["replica"], crdtType: "gcounter" })),
        clock: { agentTimeMs: Date.now() },
        reportIntervalMs: Math.round(1000 / opts.hz),
      });
    });
  });
}

const started = Date.now();
await Promise.all(Array.from({ length: opts.connections }, (_, c) => startConnection(c)));
console.log(`agents connected: ${opts.connections}`); // a bench starts its clock here
await new Promise((r) => setTimeout(r, opts.durationMs + 500));
const pct = (a: number[], p: number) => (a.sort((x, y) => x - y), a[Math.min(a.length - 1, Math.ceil((p / 100) * a.length) - 1)] ?? null);
console.log(JSON.stringify({ intervalMs: Math.max(...intervalInForce), tickLagP99: pct(tickLag, 99), buildP99: pct(buildMs, 99), sentReports, skippedTicks, sentEntries, sentVvEntries, welcomed, errors, firstError, elapsedMs: Date.now() - started }));
process.exit(0);
