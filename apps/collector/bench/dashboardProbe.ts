// Benchmark helper (a separate process): a dashboard socket.io client that measures, for
// every replica whose configVersion column changed in a frame, frame arrival − the send
// time that value carries (see fakeAgents.ts). Prints one JSON line at the end.
import { DASHBOARD_NAMESPACE, type CollectorToDashboardEvents, type DashboardToCollectorEvents, type Frame } from "@driftscope/protocol";
import { io, type Socket } from "socket.io-client";

// Frames and latencies count from `measureFromMs` (default: from the start), so a warm-up can be left out.
const { url, durationMs, startMs, measureFromMs = 0 } = JSON.parse(process.argv[2] ?? "{}") as { url: string; durationMs: number; startMs: number; measureFromMs?: number };
const socket: Socket<CollectorToDashboardEvents, DashboardToCollectorEvents> = io(`${url}${DASHBOARD_NAMESPACE}`, { transports: ["websocket"], reconnection: false });

const latencies: number[] = [];
const delivery: number[] = [];
let frames = 0;
let columnEntries = 0;
// Last configVersion seen per replica id: a frame that changes the membership reorders the
// columns, and a value seen before must not count again as a new arrival.
const last = new Map<string, number>();
let ids: readonly string[] = [];
let maxReplicas = 0;
let samples = 0;

socket.on("connect", () => socket.emit("subscribe", { type: "subscribe" }));
socket.on("snapshot", (s) => {
  for (const f of s.frames) if (f.replicaIds !== undefined) ids = f.replicaIds;
  (s.frames.at(-1)?.columns.configVersion ?? []).forEach((v, i) => last.set(ids[i] ?? `#${i}`, v));
});
let lastFrameAt = 0;
const startedAt = Date.now();
socket.on("frame", (f: Frame) => {
  const recv = Date.now();
  lastFrameAt = recv;
  const counted = recv >= measureFromMs;
  if (counted) frames++;
  delivery.push(recv - f.timeMs);
  samples += f.samples.length;
  columnEntries += f.columns.missingUpdates.length;
  const cv = f.columns.configVersion;
  maxReplicas = Math.max(maxReplicas, cv.length);
  if (f.replicaIds !== undefined) ids = f.replicaIds;
  for (let i = 0; i < cv.length; i++) {
    const v = cv[i]!;
    const id = ids[i] ?? `#${i}`;
    if (counted && v !== 0 && v !== last.get(id)) latencies.push(recv - (startMs + v));
    last.set(id, v);
  }
});

setTimeout(() => {
  latencies.sort((a, b) => a - b);
  const q = (p: number) => (latencies.length === 0 ? null : latencies[Math.min(latencies.length - 1, Math.ceil((p / 100) * latencies.length) - 1)]!);
  delivery.sort((a, b) => a - b);
  const d = (p: number) => (delivery.length === 0 ? null : delivery[Math.min(delivery.length - 1, Math.ceil((p / 100) * delivery.length) - 1)]!);
  const lastFrameAgeMs = lastFrameAt === 0 ? null : Date.now() - lastFrameAt;
  // The window frames were counted in: this process starts after the agents connect, so it ends later than the bench's window.
  const countedMs = Date.now() - Math.max(measureFromMs, startedAt);
  console.log(JSON.stringify({ countedMs, lastFrameAgeMs, deliveryP50: d(50), deliveryP99: d(99), frames, samples, maxReplicas, measured: latencies.length, p50: q(50), p99: q(99), max: q(100), replicasPerFrame: frames > 0 ? columnEntries / frames : 0 }));
  socket.close();
  process.exit(0);
}, durationMs);
