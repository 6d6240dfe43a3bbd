"""HTTP to the collector (protocol §8): ingest bodies as NDJSON, the config long poll,
retries with exponential backoff that honour 429/503 Retry-After. Every answer to an
ingest request feeds the clock offset (it carries collectorTimeMs)."""

import email.utils
import http.client
import json
import random
import threading
import time
import urllib.parse

INGEST_PATH = "/api/v1/ingest"
# Worth trying again: the collector is busy, restarting or briefly unreachable.
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


class CollectorError(Exception):
    """The collector refused a request; `code` is its error code (protocol §9)."""

    def __init__(self, status, body):
        self.status = status
        self.body = body if isinstance(body, dict) else {}
        self.code = self.body.get("code", f"HTTP_{status}")
        super().__init__(f"{self.code} ({status}): {self.body.get('message', body)}")


class UnknownAgent(CollectorError):
    """404 for our agent id: the collector restarted or forgot us; send hello again."""


class Unavailable(Exception):
    """No answer after the retries (or the client is closing); `retry_after_s` is what
    the collector asked for, if it did."""

    def __init__(self, message, retry_after_s=None):
        super().__init__(message)
        self.retry_after_s = retry_after_s


class Backoff:
    """Delays before attempt n+1: base × factor^n up to cap, less up to `jitter` of it
    at random so that many nodes do not retry in step."""

    def __init__(self, base_s=0.25, cap_s=10.0, factor=2.0, jitter=0.5, rng=random.random):
        self.base_s, self.cap_s, self.factor, self.jitter, self.rng = base_s, cap_s, factor, jitter, rng

    def delay(self, attempt):
        full = min(self.cap_s, self.base_s * self.factor**attempt)
        return full * (1.0 - self.jitter * self.rng())


def retry_after_seconds(value, now_s=time.time):
    """Seconds a Retry-After header asks to wait (delta-seconds or an HTTP date), or None."""
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - now_s())


class HttpTransport:
    def __init__(self, base_url, clock, token=None, backoff=None, attempts=5, timeout_s=10.0, stop=None, sleep=None):
        parts = urllib.parse.urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"collector URL must be http(s)://host:port, got {base_url!r}")
        self._scheme, self._host, self._port = parts.scheme, parts.hostname, parts.port
        self._prefix = parts.path.rstrip("/")
        self._clock = clock
        self._token = token
        self._backoff = backoff or Backoff()
        self._attempts = attempts
        self._timeout_s = timeout_s
        self._stop = stop or threading.Event()
        # Waits return early when the client closes; tests pass their own to record delays.
        self._sleep = sleep or self._stop.wait
        self._poll_conn = None
        self._poll_lock = threading.Lock()

    # ---- ingest ---------------------------------------------------------------------

    def post_ingest(self, messages, attempts=None):
        """Posts agent messages as one NDJSON body; returns the ingest answer (a dict with
        accepted, rejected, collectorTimeMs…). A body the collector refused line by line
        (400 with an ingest answer) is returned like a 200: the caller reads `rejected`."""
        body = "".join(json.dumps(m, separators=(",", ":"), allow_nan=False) + "\n" for m in messages).encode()
        attempts = attempts or self._attempts
        why, retry_after = "", None
        for attempt in range(attempts):
            if attempt > 0:
                self._wait(self._backoff.delay(attempt - 1) if retry_after is None else retry_after, why)
            if self._stop.is_set():
                raise Unavailable("the client is closing")
            t0 = self._clock.own_ms()
            try:
                status, headers, answer = self._request("POST", INGEST_PATH, body, {"Content-Type": "application/x-ndjson"})
            except (OSError, http.client.HTTPException) as error:
                why, retry_after = f"collector unreachable: {error}", None
                continue
            t1 = self._clock.own_ms()
            if isinstance(answer, dict) and "collectorTimeMs" in answer:
                self._clock.add(t0, t1, answer["collectorTimeMs"])
                if status in (200, 400):
                    return answer
            if status in RETRY_STATUSES:
                why, retry_after = f"collector answered {status}", retry_after_seconds(headers.get("Retry-After"))
                continue
            raise CollectorError(status, answer)
        raise Unavailable(f"no answer from the collector after {attempts} attempts ({why})", retry_after)

    def probe_clock(self):
        """One clock sample: an empty ingest body changes nothing and is answered with the time."""
        self.post_ingest([], attempts=1)

    # ---- config long poll (§8.1) ----------------------------------------------------

    def poll_config(self, agent_id, after, wait_ms):
        """The config message when the collector's config version is not `after`, or None
        when `wait_ms` passed without a change. Raises UnknownAgent (404), CollectorError,
        or OSError when the collector cannot be reached."""
        query = urllib.parse.urlencode({"after": after, "waitMs": wait_ms})
        path = f"/api/v1/agents/{urllib.parse.quote(agent_id)}/config?{query}"
        status, headers, answer = self._request("GET", path, None, {}, timeout_s=wait_ms / 1000.0 + self._timeout_s, track=True)
        if status == 200:
            return answer
        if status == 204:
            return None
        if status == 404:
            raise UnknownAgent(status, answer)
        if status in RETRY_STATUSES:
            raise Unavailable(f"collector answered {status}", retry_after_seconds(headers.get("Retry-After")))
        raise CollectorError(status, answer)

    def interrupt_poll(self):
        """Ends a poll in progress (closing the client must not wait for it)."""
        with self._poll_lock:
            conn = self._poll_conn
        if conn is not None and conn.sock is not None:
            try:
                conn.sock.shutdown(2)  # socket.SHUT_RDWR: wakes the blocked read
            except OSError:
                pass

    # ---- plumbing -------------------------------------------------------------------

    def _wait(self, seconds, why):
        if self._sleep(seconds):
            raise Unavailable(f"the client is closing ({why})")

    def _request(self, method, path, body, headers, timeout_s=None, track=False):
        cls = http.client.HTTPSConnection if self._scheme == "https" else http.client.HTTPConnection
        conn = cls(self._host, self._port, timeout=timeout_s or self._timeout_s)
        if track:
            with self._poll_lock:
                self._poll_conn = conn
        try:
            all_headers = {"Accept": "application/json", **headers}
            if self._token is not None:
                all_headers["Authorization"] = f"Bearer {self._token}"
            conn.request(method, self._prefix + path, body=body, headers=all_headers)
            res = conn.getresponse()
            raw = res.read()
            try:
                parsed = json.loads(raw) if raw else None
            except ValueError:
                parsed = raw.decode("utf-8", "replace")
            return res.status, res.headers, parsed
        finally:
            if track:
                with self._poll_lock:
                    self._poll_conn = None
            conn.close()
