"""Driftscope reporting client for Python nodes: standard library only, speaking the
documented protocol (docs/protocol.md) over HTTP. See clients/python/README.md."""

from .agent import PROTOCOL_VERSION, Agent, ReplicaSource
from .clock import ClockOffset
from .ids import check_id, check_seq, check_vector
from .transport import Backoff, CollectorError, HttpTransport, Unavailable, UnknownAgent

__all__ = [
    "PROTOCOL_VERSION", "Agent", "ReplicaSource", "ClockOffset", "check_id", "check_seq", "check_vector",
    "Backoff", "CollectorError", "HttpTransport", "Unavailable", "UnknownAgent",
]
