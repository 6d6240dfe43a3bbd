// POST /api/v1/ingest (docs/protocol.md §8): agent messages from nodes that do not speak
// socket.io, as NDJSON or a JSON array. A body is read as bytes (ingestRead.ts); bodies take
// turns and are parsed in slices charged to a share of the event loop; each message is
// applied as soon as it is judged. A body whose lines are mostly refused stops being read
// after REFUSED_LINES_BEFORE_STOP of them: garbage costs a hundred lines of checking, not
// ten thousand — and, for a large body, not the reading of the rest either.
import {
  INGEST_PATH,
  ingestAnswer,
  ingestStatus,
  LIMITS,
  protocolError,
  rejection,
  type ErrorMessage,
  type IngestRejection,
} from "@driftscope/protocol";
import type { Request, RequestHandler, Router } from "express";
import { isError } from "../CollectorCore.js";
import { clientAddress } from "../ingest/packetGate.js";
import { LoopShare, TimeSlice } from "../ingest/timeSlice.js";
import { sendError } from "./errors.js";
import { closeUnread, type Guards } from "./guards.js";
import { ingestInSlices, lineProblem } from "./ingestBody.js";
import { readIngestBody, REFUSED_LINES_BEFORE_STOP, type ReadBody } from "./ingestRead.js";
import { IngestTurns, type IngestTicket } from "./ingestTurns.js";
import type { ApiDeps } from "./routes.js";
import { timeWarning } from "./timeWarnings.js";

/** Ingest bodies one client address may have waiting or being applied. */
const INGEST_BODIES_PER_ADDRESS = 2;
/**
 * NDJSON bodies larger than this (or of unknown length) have their first lines checked while
 * they arrive; smaller ones are read whole first (checking twice would cost more than reading).
 */
const WATCH_FROM_BYTES = 64 * 1024;
const CONTENT_TYPES = new Set(["application/x-ndjson", "application/json", "text/plain"]);
const CHARSETS = new Set(["utf-8", "utf8", "us-ascii"]);

export function ingestRoute(router: Router, deps: ApiDeps, guards: Guards): void {
  const { core, metrics, now } = deps;
  // Ingest bodies are held and parsed in memory, one at a time: what waits is bounded, and
  // each client address pays for its bytes from the same budget as its sockets.
  const turns = new IngestTurns(deps.limits.ingestInFlightBytes, INGEST_BODIES_PER_ADDRESS);
  const ingestShare = new LoopShare(deps.limits.ingestLoopMsPerSec);
  const tickets = new WeakMap<Request, IngestTicket>();
  const ingestBudget: RequestHandler = (req, res, next) => {
    const declared = Number(req.get("content-length") ?? "0");
    const size = Number.isFinite(declared) && declared > 0 ? Math.min(declared, LIMITS.ingestBodyBytes) : 0;
    const address = clientAddress(req.socket.remoteAddress);
    const waitMs = deps.ipBytes.waitMs(address, now(), size);
    const ticket = waitMs > 0 ? `too many bytes from this address: at most ${Math.round(deps.limits.ipBytesPerSec / 1048576)} MiB/s (sockets and ingest together); retry in ${Math.ceil(waitMs)} ms` : turns.reserve(address, size);
    if (typeof ticket !== "string") {
      tickets.set(req, ticket);
      res.once("close", () => ticket.release());
      next();
      return;
    }
    metrics.rateLimited.inc({ transport: "http" });
    metrics.rejections.inc({ code: "RATE_LIMITED", transport: "http" });
    res.setHeader("Retry-After", String(Math.max(1, Math.ceil(waitMs / 1000))));
    closeUnread(req, res);
    sendError(res, protocolError("RATE_LIMITED", ticket));
  };

  router.post(
    INGEST_PATH,
    guards.rateLimited,
    guards.requireToken(deps.agentToken, "ingest"),
    guards.declaredAtMost(LIMITS.ingestBodyBytes),
    ingestBudget,
    async (req, res) => {
      const refuse = (error: ErrorMessage) => {
        metrics.rejections.inc({ code: error.code, transport: "http" });
        sendError(res, error);
      };
      const refuseUnread = (error: ErrorMessage) => {
        closeUnread(req, res);
        refuse(error);
      };
      // Judged from the headers, before a byte of the body is read.
      const [media = "", ...params] = (req.get("content-type") ?? "").split(";");
      const type = media.trim().toLowerCase();
      if (!CONTENT_TYPES.has(type)) {
        refuseUnread(protocolError("BAD_REQUEST", `Content-Type must be application/x-ndjson (one message per line) or application/json (an array), got ${JSON.stringify(type || "none")}`));
        return;
      }
      const charset = params.map((p) => p.trim().toLowerCase()).find((p) => p.startsWith("charset="))?.slice(8).replace(/"/g, "");
      if (charset !== undefined && !CHARSETS.has(charset)) {
        refuseUnread(protocolError("BAD_REQUEST", `unsupported body encoding: charset ${JSON.stringify(charset.slice(0, 32))}; bodies are UTF-8`));
        return;
      }
      const coding = (req.get("content-encoding") ?? "identity").trim().toLowerCase();
      if (coding !== "identity") {
        refuseUnread(protocolError("BAD_REQUEST", `unsupported body encoding: Content-Encoding ${JSON.stringify(coding.slice(0, 32))}; send the body uncompressed`));
        return;
      }
      const address = clientAddress(req.socket.remoteAddress);
      const declared = Number(req.get("content-length") ?? "NaN");
      const watch = type !== "application/json" && !(declared <= WATCH_FROM_BYTES);
      const read: ReadBody = await readIngestBody(req, {
        limit: LIMITS.ingestBodyBytes,
        share: ingestShare,
        onBytes: (n) => deps.ipBytes.spend(address, now(), n),
        ...(watch ? { check: lineProblem } : {}),
      });
      if (!read.ok) {
        if (read.error.code === "PAYLOAD_TOO_LARGE") res.setHeader("Connection", "close");
        refuse(read.error);
        return;
      }
      if (read.unread !== undefined) {
        // The rest is left unread: the connection closes after the answer, and the address
        // pays for the bytes it declared (a body of unknown length, for the most allowed),
        // so dropping garbage unread does not let a client send more of it.
        res.setHeader("Connection", "close");
        const unreadBytes = (Number.isSafeInteger(declared) ? declared : LIMITS.ingestBodyBytes) - read.bytes;
        if (unreadBytes > 0) deps.ipBytes.spend(address, now(), unreadBytes);
      }
      const body = read.body.toString("utf8");
      // The body must be what its Content-Type says: an array as application/json, lines as NDJSON.
      const array = body.trimStart().startsWith("[");
      if ((type === "application/x-ndjson" && array) || (type === "application/json" && !array && body.trim() !== "")) {
        const fix = array ? "a JSON array is sent as application/json" : "one message per line is sent as application/x-ndjson";
        refuse(protocolError("BAD_REQUEST", `the body does not match its Content-Type ${type}: ${fix}`, { issues: [{ path: "", reason: fix }] }));
        return;
      }
      await tickets.get(req)?.turn();
      const rejected: IngestRejection[] = [];
      const warnings: Array<{ line: number; message: string }> = [];
      let accepted = 0;
      let helloInterval: number | undefined;
      let stale = false;
      const requestFull = new Set<string>();
      const reporters = new Set<string>();
      let requestAll = false;
      // Each message is applied as soon as it is judged, in order, a few ms of work at a time.
      const slice = new TimeSlice(undefined, ingestShare);
      let refusedByChecks = 0;
      const error = await ingestInSlices(body, slice, {
        refused: read.refused,
        enough: () => (refusedByChecks >= REFUSED_LINES_BEFORE_STOP && refusedByChecks > accepted ? unreadError(refusedByChecks, accepted) : undefined),
        reject: (r) => {
          refusedByChecks++;
          rejected.push(r);
        },
        accept: (line, message) => {
          const t = now();
          const result =
            message.type === "hello"
              ? core.hello(message, "http", null, t)
              : message.type === "report"
                ? core.report(message, "http", t)
                : message.type === "config-ack"
                  ? core.configAck(message, "http", t)
                  : core.bye(message, "http", t);
          if (!result.ok) {
            rejected.push(rejection(line, result.error));
            return;
          }
          accepted++;
          const warning = warnings.length < LIMITS.ingestRejections ? timeWarning(message, t) : undefined;
          if (warning !== undefined) warnings.push({ line, message: warning });
          if (message.type === "hello") helloInterval = (result.value as { welcome: { reportIntervalMs: number } }).welcome.reportIntervalMs;
          if (message.type === "report") {
            if (message.replicas.some((r) => r.configVersion !== undefined && r.configVersion !== core.config.version)) stale = true;
            reporters.add(message.agentId);
          }
        },
      });
      await slice.finish();
      tickets.get(req)?.release(); // the next body may start while this answer is written
      if (error === undefined && read.unread !== undefined) {
        const { line, refused, passed } = read.unread;
        const dropped = Number.isSafeInteger(declared) ? `its last ${declared - read.bytes} bytes were not read` : "the rest was not read";
        const reason = `not read: this line and every line after it, because ${refused} of the first ${refused + passed} lines of this body were refused (${dropped}); fix the refused ones and send the rest again`;
        rejected.push(rejection(line, protocolError("BAD_REQUEST", reason, { issues: [{ path: "", reason }] })));
      }
      if (error !== undefined) {
        metrics.rejections.inc({ code: error.code, transport: "http" });
        sendError(res, error);
        return;
      }
      // The answer is an HTTP node's only channel back, and the whole body is applied by
      // now: name every replica of the reporting agents whose whole vector is still due.
      for (const agentId of reporters) {
        const session = core.agents.sessionFor(agentId, "ingest");
        if (isError(session) || session.needsFull.size === 0) continue;
        if (session.needsFull.size === core.agents.replicasOf(agentId).length) requestAll = true;
        else for (const id of session.needsFull) requestFull.add(id);
      }
      // Counted once per code: a body of garbage has 10,000 rejections, mostly unread lines.
      const byCode = new Map<string, number>();
      for (const r of rejected) byCode.set(r.code, (byCode.get(r.code) ?? 0) + 1);
      for (const [code, n] of byCode) metrics.rejections.inc({ code, transport: "http" }, n);
      const answer = ingestAnswer({
        accepted,
        rejected,
        collectorTimeMs: now(),
        ...(helloInterval !== undefined || stale ? { config: core.config } : {}),
        ...(helloInterval !== undefined ? { reportIntervalMs: helloInterval } : {}),
        ...(requestAll ? { requestFull: true as const } : requestFull.size > 0 ? { requestFull: [...requestFull] as never } : {}),
        ...(warnings.length > 0 ? { warnings } : {}),
      });
      res.status(ingestStatus(answer)).json(answer);
    },
  );
}

function unreadError(refused: number, accepted: number): ErrorMessage {
  const reason = `not read: ${refused} earlier lines of this body were refused and ${accepted} accepted; fix the refused ones and send the rest again`;
  return protocolError("BAD_REQUEST", reason, { issues: [{ path: "", reason }] });
}
