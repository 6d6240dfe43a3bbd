"""Clock offset to the collector (protocol §3.2): every exchange gives a sample
offset = collectorTimeMs - (t0 + t1) / 2 with its round trip t1 - t0; the sample with
the smallest round trip among the recent ones is the estimate (a slow exchange is a
worse one). Over HTTP the exchanges are ingest requests: each answer carries
collectorTimeMs, and an empty body is a probe that changes nothing."""

import threading
import time
from collections import deque

RECENT_SAMPLES = 8


def wall_clock_ms():
    """The node's own clock, ms since the Unix epoch."""
    return time.time() * 1000.0


class ClockOffset:
    def __init__(self, own_clock_ms=wall_clock_ms, recent=RECENT_SAMPLES):
        self._own = own_clock_ms
        self._samples = deque(maxlen=recent)
        self._lock = threading.Lock()

    def own_ms(self):
        return self._own()

    def add(self, t0_ms, t1_ms, collector_time_ms):
        """Records one exchange sent at t0 and answered at t1 (own clock)."""
        rtt = max(0.0, t1_ms - t0_ms)
        with self._lock:
            self._samples.append((rtt, collector_time_ms - (t0_ms + t1_ms) / 2.0))

    def estimate(self):
        """(offset_ms, rtt_ms) of the best recent sample, or None before any."""
        with self._lock:
            if not self._samples:
                return None
            rtt, offset = min(self._samples)
        return offset, rtt

    def now_ms(self):
        """Now in the collector's clock (own clock until the first sample)."""
        best = self.estimate()
        return self._own() + (best[0] if best else 0.0)
