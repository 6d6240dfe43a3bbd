"""The agent a Python node embeds: it says hello, reports its replicas every tick over
HTTP ingest, follows the collector's config through the long poll and acknowledges it,
and says bye on close (protocol §3, §8). It runs two daemon threads (reports, config)
and never raises into the node's own threads once started: failures are logged and
retried with backoff."""

import logging
import os
import socket
import threading
from typing import Protocol

from .clock import ClockOffset
from .ids import check_id
from .telemetry import ReplicaTelemetry, check_kind
from .transport import Backoff, CollectorError, HttpTransport, Unavailable, UnknownAgent

PROTOCOL_VERSION = 1
CLOCK_PROBES = 5  # samples right after each hello; every answer adds one after that
CONFIG_POLL_WAIT_MS = 25_000
SECTIONS = ("gossip", "workload", "faults")  # capabilities: the config sections a node applies
GOSSIP_MODES = ("push", "pull", "push-pull")
PAYLOADS = ("full", "delta", "digest")
MAX_EVENTS_PER_REPORT = 64  # sampled sync events; counters stay exact
log = logging.getLogger("driftscope_client")


class ReplicaSource(Protocol):
    """What the agent reads from a replica at each report."""

    replica_id: str
    crdt_type: str

    def version_vector(self) -> dict: ...  # {origin: seq}, or (origin, seq) pairs
    def state_hash(self) -> str: ...  # hash of the canonical state, 1-128 chars
    def state_size(self) -> int: ...  # bytes
    def summary(self) -> str: ...  # short human summary of the value


class Agent:
    def __init__(self, collector_url="http://127.0.0.1:7420", agent_id=None, token=None, node_name=None,
                 report_interval_ms=None, on_config=None, capabilities=None, gossip=None, backoff=None):
        """`on_config(config)` applies a cluster config (§6) to the node; it returns None
        (applied) or raises / returns a str saying why it cannot, and is called from the
        agent's thread. `capabilities` are the config sections it applies (default
        ["gossip"] with on_config, none without): an acknowledgement covers those only.
        `gossip` ({intervalMs, fanout, mode, payload?}) is for a node that runs its own
        gossip instead of the collector's: the settings it runs (see report_gossip)."""
        self.agent_id = check_id(agent_id or f"{socket.gethostname()}-{os.getpid()}", "agent id")
        self.node_name = node_name or socket.gethostname()
        if report_interval_ms is not None and not (isinstance(report_interval_ms, int) and 50 <= report_interval_ms <= 60_000):
            raise ValueError(f"report_interval_ms must be an int in 50..60000 (milliseconds), got {report_interval_ms!r}")
        self._asked_interval_ms = report_interval_ms
        self.report_interval_ms = report_interval_ms or 500
        self._token = token
        self.on_config = on_config
        self.capabilities = check_capabilities(capabilities) if capabilities is not None else None
        self._gossip = check_gossip(gossip) if gossip is not None else None
        self._backoff = backoff or Backoff()
        self.clock = ClockOffset()
        self._stop = threading.Event()
        self.transport = HttpTransport(collector_url, self.clock, token=token, backoff=self._backoff, stop=self._stop)
        self._lock = threading.RLock()  # replicas and their pending telemetry
        self._send_lock = threading.Lock()  # one report in flight, seqs in order
        self._config_lock = threading.Lock()
        self._pending_acks = []  # config-acks not delivered yet: they ride with the next report
        self._replicas = {}
        self._events, self._skipped_events = [], 0
        self._report_seq = 0
        self._every_k = 1
        self.config = None  # the cluster config last applied (or seen, without on_config)
        self._seen_version = None  # last version delivered, applied or refused
        self._welcomed = threading.Event()
        self._need_hello = True
        self._threads = []
        self.reports_sent = 0

    # ---- set-up -----------------------------------------------------------------------

    def attach(self, source):
        """Starts observing a replica (see ReplicaSource); a new hello lists it."""
        telemetry = ReplicaTelemetry(source)
        with self._lock:
            if telemetry.id in self._replicas:
                raise ValueError(f"replica {telemetry.id!r} is attached twice")
            if len(self._replicas) >= 4096:
                raise ValueError("an agent hosts at most 4096 replicas")
            self._replicas[telemetry.id] = telemetry
            self._need_hello = True
        return telemetry.id

    def report_gossip(self, settings):
        """The gossip settings this node now runs on its own; a new hello says so."""
        checked = check_gossip(settings)
        with self._lock:
            self._gossip = checked
            self._need_hello = True

    def start(self):
        for target, name in ((self._report_loop, "reports"), (self._config_loop, "config")):
            thread = threading.Thread(target=target, name=f"driftscope-{name}", daemon=True)
            thread.start()
            self._threads.append(thread)
        return self

    # ---- what the node tells (any thread) -----------------------------------------------

    def issued(self, replica_id, seq):
        """Replica `replica_id` issued its update number `seq` (1, 2, 3…)."""
        with self._lock:
            self._replica(replica_id).issued_dot(seq, self.clock.now_ms(), self._every_k)

    def merged(self, replica_id, peer, kind, nbytes, vv_before, vv_after):
        """Replica `replica_id` merged a payload of `kind` from `peer`; the included dots
        are worked out from its vectors before and after. Returns whether it changed."""
        with self._lock:
            t = self.clock.now_ms()
            changed = self._replica(replica_id).merged(vv_before, vv_after, nbytes, t, self._every_k)
            self._event({"replica": replica_id, "dir": "merged", "peer": check_id(peer, "peer"), "kind": check_kind(kind), "bytes": nbytes, "timeMs": t, "changed": changed})
            return changed

    def received(self, replica_id, peer, kind, nbytes):
        """A payload that was not merged (a digest, a request) arrived at the replica."""
        with self._lock:
            self._replica(replica_id).received(nbytes)
            self._event({"replica": replica_id, "dir": "received", "peer": check_id(peer, "peer"), "kind": check_kind(kind), "bytes": nbytes, "timeMs": self.clock.now_ms()})

    def sent(self, replica_id, peer, kind, nbytes):
        with self._lock:
            self._replica(replica_id).sent(kind, nbytes)
            self._event({"replica": replica_id, "dir": "sent", "peer": check_id(peer, "peer"), "kind": kind, "bytes": nbytes, "timeMs": self.clock.now_ms()})

    def _replica(self, replica_id):
        telemetry = self._replicas.get(replica_id)
        if telemetry is None:
            raise KeyError(f"replica {replica_id!r} is not attached to agent {self.agent_id!r}")
        return telemetry

    def _event(self, event):
        if len(self._events) < MAX_EVENTS_PER_REPORT:
            self._events.append(event)
        else:
            self._skipped_events += 1

    # ---- reports ------------------------------------------------------------------------

    def flush(self):
        """Sends a report now (tests; the report thread does it every interval).
        Returns the ingest answer, or raises Unavailable / CollectorError."""
        with self._send_lock:
            if self._need_hello:
                self._hello()
            return self._report()

    def _report_loop(self):
        failures = 0
        while not self._stop.is_set():
            try:
                with self._send_lock:
                    if not self._replicas:
                        pass  # nothing to say hello for yet
                    elif self._need_hello:
                        self._hello()
                        self._probe_clock()
                    else:
                        self._report()
                failures = 0
                delay = self.report_interval_ms / 1000.0
            except Unavailable as error:
                if self._stop.is_set():
                    return
                delay = error.retry_after_s if error.retry_after_s is not None else self._backoff.delay(failures)
                failures += 1
                log.warning("driftscope: %s; retrying in %.1f s", error, delay)
            except CollectorError as error:
                # A wrong token stays wrong: wait the longest delay, not a quick retry.
                delay = self._backoff.cap_s
                log.warning("driftscope: the collector refused us: %s", error)
            except Exception:  # a source that throws must not stop the reports of the others
                delay = self.report_interval_ms / 1000.0
                log.exception("driftscope: report failed")
            self._stop.wait(delay)

    def _hello(self):
        with self._lock:
            replicas = [{"id": t.id, "crdtType": t.crdt_type} for t in self._replicas.values()]
            for t in self._replicas.values():
                t.needs_full = True  # a session starts with whole vectors
            self._need_hello = False
        hello = {
            "type": "hello", "protocol": PROTOCOL_VERSION, "agentId": self.agent_id,
            "node": {"name": self.node_name[:256], "pid": os.getpid(), "host": socket.gethostname()[:256], "language": "python"},
            "replicas": replicas,
            "clock": {"agentTimeMs": self.clock.own_ms()},
            "capabilities": self.capabilities if self.capabilities is not None else (["gossip"] if self.on_config else []),
        }
        if self._gossip is not None:
            hello["gossip"] = self._gossip
        if self._token is not None:
            hello["token"] = self._token
        if self._asked_interval_ms is not None:
            hello["reportIntervalMs"] = self._asked_interval_ms
        try:
            answer = self.transport.post_ingest([hello])
        except Exception:
            self._need_hello = True
            raise
        if answer.get("accepted", 0) == 0:
            self._need_hello = True
            rejection = (answer.get("rejected") or [{}])[0]
            raise CollectorError(400, {"code": rejection.get("code", "BAD_REQUEST"), "message": f"hello refused: {rejection.get('issues')}"})
        if self._asked_interval_ms is None and "reportIntervalMs" in answer:
            self.report_interval_ms = answer["reportIntervalMs"]
        self._welcomed.set()
        if "config" in answer:
            self._deliver_config(answer["config"])

    def _probe_clock(self):
        for _ in range(CLOCK_PROBES):
            self.transport.probe_clock()

    def _report(self):
        with self._lock:
            config_version = self.config["version"] if self.on_config and self.config else None
            cuts = [(t, *t.cut(config_version)) for t in self._replicas.values()]
            events, skipped = self._events, self._skipped_events
            self._events, self._skipped_events = [], 0
            self._report_seq += 1
            dropped_reports = sum(t.dropped for t in self._replicas.values())
            report = {"type": "report", "agentId": self.agent_id, "seq": self._report_seq, "timeMs": self.clock.now_ms(), "replicas": [entry for _, entry, _ in cuts]}
        estimate = self.clock.estimate()
        if estimate is not None:
            report["clock"] = {"offsetMs": estimate[0], "rttMs": estimate[1]}
        if dropped_reports or skipped:
            report["dropped"] = {"reports": dropped_reports, "events": skipped}
        if events:
            report["events"] = events
        try:
            answer, sent = self._post_with_acks([report])
        except Exception:
            with self._lock:  # the sampled events are gone: say how many
                self._skipped_events += len(events) + skipped
            raise
        with self._lock:
            for telemetry, _, cut in cuts:
                telemetry.commit(cut)
            self._ask_full(answer.get("requestFull"))
        self.reports_sent += 1
        self._check_rejected(answer, sent)
        if "config" in answer:
            self._deliver_config(answer["config"])
        return answer

    def _ask_full(self, request):
        if request is True:
            for t in self._replicas.values():
                t.needs_full = True
        elif isinstance(request, list):
            for replica_id in request:
                if replica_id in self._replicas:
                    self._replicas[replica_id].needs_full = True

    def _check_rejected(self, answer, messages):
        for rejection in answer.get("rejected", []):
            message = messages[rejection["line"] - 1] if 0 < rejection["line"] <= len(messages) else {}
            if rejection["code"] == "NOT_FOUND":
                self._need_hello = True  # the collector forgot us (it restarted)
            elif rejection["code"] == "CONFLICT" and message.get("type") == "report":
                self._report_seq = max(self._report_seq, message["seq"]) + 1
                with self._lock:  # its changes were not applied: send whole vectors
                    self._ask_full(True)
            else:
                log.warning("driftscope: the collector refused our %s: %s %s", message.get("type", "message"), rejection["code"], rejection.get("issues"))
                if message.get("type") == "report":
                    with self._lock:  # resynchronise what the collector may have missed
                        self._ask_full(True)

    # ---- config ---------------------------------------------------------------------------

    def _config_loop(self):
        failures = 0
        while not self._stop.is_set():
            if not self._welcomed.wait(0.5):
                continue
            delay = 0.0
            try:
                after = self._seen_version if self._seen_version is not None else 0
                message = self.transport.poll_config(self.agent_id, after, CONFIG_POLL_WAIT_MS)
                if message is not None:
                    self._deliver_config(message["config"])
                failures = 0
            except UnknownAgent:
                self._need_hello = True
                self._welcomed.clear()
            except Unavailable as error:
                delay = error.retry_after_s if error.retry_after_s is not None else self._backoff.delay(failures)
                failures += 1
            except CollectorError as error:
                delay = self._backoff.cap_s
                log.warning("driftscope: config poll refused: %s", error)
            except (OSError, ValueError) as error:  # unreachable, or the poll was interrupted
                delay = self._backoff.delay(failures)
                failures += 1
                if not self._stop.is_set():
                    log.info("driftscope: config poll failed (%s); retrying in %.1f s", error, delay)
            except Exception:
                delay = self._backoff.cap_s
                log.exception("driftscope: config poll failed")
            self._stop.wait(delay)

    def _deliver_config(self, config):
        """Applies a config from either channel once per version, then acknowledges it."""
        with self._config_lock:
            if config["version"] == self._seen_version:
                return
            self._seen_version = config["version"]
            self._every_k = config.get("telemetry", {}).get("traceEveryK", self._every_k)
            if self.on_config is None:
                self.config = config
                return
            try:
                refusal = self.on_config(config)
            except Exception as error:  # the node's own code: its failure is the refusal
                refusal = f"{type(error).__name__}: {error}"
            if refusal is None:
                self.config = config
            with self._lock:
                replica_ids = list(self._replicas)
            if not replica_ids:
                return
            ack = {"type": "config-ack", "agentId": self.agent_id, "version": config["version"], "replicas": replica_ids, "ok": refusal is None}
            if refusal is not None:
                ack["error"] = {"code": "VALIDATION", "message": str(refusal)[:2048]}
            self._pending_acks.append(ack)
        try:
            answer, sent = self._post_with_acks([], attempts=1)
            self._check_rejected(answer, sent)
        except (Unavailable, CollectorError) as error:
            log.info("driftscope: config-ack of v%s goes with the next report: %s", config["version"], error)

    def _post_with_acks(self, messages, attempts=None):
        """Posts the pending acks first, then `messages`; returns the answer and what was sent."""
        with self._config_lock:
            acks = list(self._pending_acks)
        sent = acks + messages
        answer = self.transport.post_ingest(sent, attempts)
        delivered = {id(a) for a in acks}
        with self._config_lock:
            self._pending_acks[:] = [a for a in self._pending_acks if id(a) not in delivered]
        return answer, sent

    # ---- shutdown ---------------------------------------------------------------------------

    def close(self, reason="shutdown"):
        """A last report, then bye: the replicas leave the membership instead of turning
        unreachable. Bounded: each step tries twice at most."""
        if self._stop.is_set():
            return
        with self._send_lock:
            try:
                if self._welcomed.is_set() and not self._need_hello:
                    self._report()
            except Exception as error:
                log.warning("driftscope: last report not delivered: %s", error)
            try:
                self.transport.post_ingest([{"type": "bye", "agentId": self.agent_id, "reason": reason[:256]}], attempts=2)
            except (Unavailable, CollectorError) as error:
                log.warning("driftscope: could not say bye: %s", error)
            finally:
                self._stop.set()
        self.transport.interrupt_poll()
        for thread in self._threads:
            thread.join(timeout=5)

    def status(self):
        estimate = self.clock.estimate()
        return {
            "configVersion": self.config["version"] if self.config else None,
            "offsetMs": estimate[0] if estimate else None,
            "rttMs": estimate[1] if estimate else None,
            "reportsSent": self.reports_sent,
            "traceEveryK": self._every_k,
        }


def check_capabilities(capabilities):
    if not isinstance(capabilities, (list, tuple)) or any(c not in SECTIONS for c in capabilities):
        raise ValueError(f"capabilities must be a list of {', '.join(SECTIONS)}, got {capabilities!r}")
    return list(dict.fromkeys(capabilities))


def check_gossip(settings):
    """{intervalMs, fanout, mode, payload?} as the node runs them; intervals in milliseconds."""
    if not isinstance(settings, dict) or not {"intervalMs", "fanout", "mode"} <= settings.keys() <= {"intervalMs", "fanout", "mode", "payload"}:
        raise ValueError(f"gossip must be a dict with intervalMs, fanout, mode and optionally payload, got {settings!r}")
    interval, fanout, mode = settings["intervalMs"], settings["fanout"], settings["mode"]
    if isinstance(interval, bool) or not isinstance(interval, (int, float)) or not 10 <= interval <= 3_600_000:
        hint = " (it looks like seconds)" if isinstance(interval, (int, float)) and 0 < interval < 10 else ""
        raise ValueError(f"gossip intervalMs must be milliseconds, 10..3600000, got {interval!r}{hint}")
    if isinstance(fanout, bool) or not isinstance(fanout, int) or not 1 <= fanout <= 1024:
        raise ValueError(f"gossip fanout must be an int in 1..1024, got {fanout!r}")
    if mode not in GOSSIP_MODES or settings.get("payload", "full") not in PAYLOADS:
        raise ValueError(f"gossip mode must be one of {GOSSIP_MODES} and payload one of {PAYLOADS}, got {settings!r}")
    return dict(settings)
