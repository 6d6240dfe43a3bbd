// Benchmark helper (a separate process): an honest dashboard that subscribes, reads every
// frame as it comes and records when. Prints one JSON line (arrival times, ms since
// `startMs`; snapshots received) at the end.
import { DASHBOARD_NAMESPACE, type CollectorToDashboardEvents, type DashboardToCollectorEvents } from "@driftscope/protocol";
import { io, type Socket } from "socket.io-client";

const { url, durationMs, startMs } = JSON.parse(process.argv[2] ?? "{}") as { url: string; durationMs: number; startMs: number };
const socket: Socket<CollectorToDashboardEvents, DashboardToCollectorEvents> = io(`${url}${DASHBOARD_NAMESPACE}`, { transports: ["websocket"], reconnection: true });
const arrivals: number[] = [];
let snapshots = 0;
let disconnects = 0;
socket.on("connect", () => socket.emit("subscribe", { type: "subscribe" }));
socket.on("disconnect", () => disconnects++);
socket.on("snapshot", () => snapshots++);
socket.on("frame", () => arrivals.push(Date.now() - startMs));
setTimeout(() => {
  console.log(JSON.stringify({ arrivals, snapshots, disconnects }));
  socket.close();
  process.exit(0);
}, durationMs);
