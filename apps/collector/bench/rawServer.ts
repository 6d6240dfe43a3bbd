// Benchmark helper (a separate process): the raw socket.io baseline for collector-ingest.
// The same namespace, transport and message size limit as the collector, but a server that
// only answers hello, counts the vv entries of each report and acknowledges it: no validation, no metrics.
// GET /count answers { entries, reports }. Prints "listening on <url>".
import { createServer } from "node:http";
import { AGENT_NAMESPACE, LIMITS } from "@driftscope/protocol";
import { Server } from "socket.io";

let entries = 0;
let reports = 0;
const http = createServer((req, res) => {
  res.setHeader("content-type", "application/json");
  res.end(JSON.stringify({ entries, reports }));
});
const io = new Server(http, { maxHttpBufferSize: LIMITS.messageBytes + 64 * 1024, serveClient: false });
io.of(AGENT_NAMESPACE).on("connection", (socket) => {
  socket.on("hello", (hello: { agentId: string; reportIntervalMs?: number }) => {
    socket.emit("welcome", { type: "welcome", agentId: hello.agentId, reportIntervalMs: hello.reportIntervalMs ?? 100 });
  });
  socket.on("report", (report: { seq: number; replicas: Array<{ vv: unknown[] }> }, ack?: (answer: { seq: number }) => void) => {
    reports++;
    for (const r of report.replicas) entries += r.vv.length;
    ack?.({ seq: report.seq }); // as the collector answers a report that asks
  });
});
http.listen(0, "127.0.0.1", () => {
  const address = http.address();
  if (address === null || typeof address === "string") throw new Error("no address");
  console.log(`listening on http://127.0.0.1:${address.port}`);
});
