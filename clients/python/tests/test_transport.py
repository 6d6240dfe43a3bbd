"""Retries against a stub HTTP server on 127.0.0.1 (the real collector is exercised by
test_live_cluster): Retry-After is honoured, other failures back off exponentially, a
refusal is not retried. Waits are recorded, not slept."""

import json
import threading
import unittest
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from driftscope_client import Backoff, ClockOffset, CollectorError, HttpTransport, Unavailable, UnknownAgent
from driftscope_client.transport import retry_after_seconds

ANSWER = {"accepted": 1, "rejected": [], "collectorTimeMs": 1_700_000_000_000}


class Stub(BaseHTTPRequestHandler):
    script = []  # (status, headers, body) answered in turn
    seen = []

    def _answer(self):
        length = int(self.headers.get("Content-Length") or 0)
        Stub.seen.append((self.command, self.path, self.headers.get("Authorization"), self.rfile.read(length).decode()))
        status, headers, body = Stub.script.pop(0)
        payload = b"" if body is None else json.dumps(body).encode()
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = _answer

    def log_message(self, *args):
        pass


class Retries(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = ThreadingHTTPServer(("127.0.0.1", 0), Stub)
        threading.Thread(target=cls.server.serve_forever, daemon=True).start()
        cls.url = f"http://127.0.0.1:{cls.server.server_address[1]}"

    @classmethod
    def tearDownClass(cls):
        cls.server.shutdown()
        cls.server.server_close()

    def setUp(self):
        Stub.script, Stub.seen = [], []
        self.waits = []
        self.clock = ClockOffset()
        self.transport = HttpTransport(self.url, self.clock, token="tok", backoff=Backoff(rng=lambda: 0.0), sleep=lambda s: self.waits.append(s))

    def test_429_waits_what_retry_after_says_then_succeeds(self):
        Stub.script = [(429, {"Retry-After": "2"}, {"type": "error", "code": "RATE_LIMITED", "message": "slow down"}), (200, {}, ANSWER)]
        self.assertEqual(self.transport.post_ingest([{"type": "bye", "agentId": "a"}]), ANSWER)
        self.assertEqual(self.waits, [2.0])
        self.assertEqual(len(Stub.seen), 2)
        method, path, auth, body = Stub.seen[0]
        self.assertEqual((method, path, auth), ("POST", "/api/v1/ingest", "Bearer tok"))
        self.assertEqual(json.loads(body), {"type": "bye", "agentId": "a"})
        self.assertIsNotNone(self.clock.estimate())  # the answer's collectorTimeMs was used

    def test_unavailable_backs_off_exponentially(self):
        Stub.script = [(503, {}, None), (502, {}, None), (503, {}, None), (200, {}, ANSWER)]
        self.transport.post_ingest([])
        self.assertEqual(self.waits, [0.25, 0.5, 1.0])

    def test_gives_up_after_the_attempts_without_a_last_useless_wait(self):
        closed = HttpTransport("http://127.0.0.1:9", self.clock, backoff=Backoff(base_s=1, cap_s=3, rng=lambda: 0.0), attempts=4, sleep=lambda s: self.waits.append(s))
        with self.assertRaises(Unavailable):
            closed.post_ingest([])
        self.assertEqual(self.waits, [1, 2, 3])

    def test_a_refusal_is_not_retried(self):
        Stub.script = [(401, {}, {"type": "error", "code": "UNAUTHORIZED", "message": "ingest requires the agent token"})]
        with self.assertRaises(CollectorError) as raised:
            self.transport.post_ingest([])
        self.assertEqual(raised.exception.code, "UNAUTHORIZED")
        self.assertEqual(self.waits, [])

    def test_a_body_refused_line_by_line_is_an_answer(self):
        answer = {"accepted": 0, "rejected": [{"line": 1, "code": "VALIDATION", "issues": []}], "collectorTimeMs": 1}
        Stub.script = [(400, {}, answer)]
        self.assertEqual(self.transport.post_ingest([{}]), answer)

    def test_config_poll_answers(self):
        config = {"type": "config", "config": {"version": 3}}
        Stub.script = [(200, {}, config), (204, {}, None), (404, {}, {"type": "error", "code": "NOT_FOUND", "message": "send hello"})]
        self.assertEqual(self.transport.poll_config("py-1", 2, 100), config)
        self.assertEqual(Stub.seen[0][1], "/api/v1/agents/py-1/config?after=2&waitMs=100")
        self.assertIsNone(self.transport.poll_config("py-1", 3, 100))
        with self.assertRaises(UnknownAgent):
            self.transport.poll_config("py-1", 3, 100)

    def test_retry_after_as_a_date(self):
        self.assertEqual(retry_after_seconds("Wed, 21 Oct 2015 07:28:10 GMT", now_s=lambda: 1445412480.0), 10.0)
        self.assertIsNone(retry_after_seconds("soon"))
