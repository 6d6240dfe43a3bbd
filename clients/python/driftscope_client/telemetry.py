"""What the agent accumulates for one replica between reports, and the replica's entry
in a report (protocol §3.3–§3.4, §4.3). A report entry is cut from this state and only
committed once the collector accepted it, so a report that never arrived loses nothing:
the next one carries its vector changes and traced dots too."""

import re

from .ids import check_id, check_seq, check_vector

SYNC_KINDS = ("full", "delta", "digest", "request", "ack")
MAX_ISSUED = 4096  # issuedPerReplica (§10)
MAX_INCLUDED = 16384  # includedPerReplica (§10)
# Traced dots kept while the collector is away: beyond that the oldest go, and the next
# report says a report's worth was dropped (§3.3), so the collector asks for whole vectors.
MAX_PENDING = 4 * MAX_INCLUDED
HASH_PATTERN = re.compile(r"^[A-Za-z0-9+/=_-]{1,128}$")


def check_kind(kind):
    if kind not in SYNC_KINDS:
        raise ValueError(f"payload kind must be one of {', '.join(SYNC_KINDS)}, got {kind!r}")
    return kind


def traced_between(low, high, every_k):
    """Seqs in (low, high] that are traced: seq % k == 0 (§3.4)."""
    first = (low // every_k + 1) * every_k
    return range(first, high + 1, every_k)


class ReplicaTelemetry:
    def __init__(self, source):
        self.source = source
        self.id = check_id(source.replica_id, "replica id")
        self.crdt_type = source.crdt_type
        self.own_seq = 0  # highest seq issued, as told or as the vector shows
        self.last_issued = 0  # highest seq told through issued_dot
        self.issued = []  # [[seq, timeMs]] traced dots not yet reported
        self.included = []  # [[origin, seq, timeMs]]
        self.sync = {"sentMessages": 0, "sentBytes": 0, "receivedMessages": 0, "receivedBytes": 0, "merges": 0, "changedMerges": 0}
        self.by_kind = {}
        self.sent_vv = {}  # the vector as the collector last accepted it
        self.sent_digest = None  # (hash, bytes, summary) last accepted
        self.needs_full = True
        self.dropped = 0  # pending overflows since the last accepted report

    # ---- calls from the node (under the agent's lock) --------------------------------

    def issued_dot(self, seq, time_ms, every_k):
        check_seq(seq, "issued seq")
        if seq <= self.last_issued:
            raise ValueError(f"replica {self.id}: issued seq {seq} does not follow {self.last_issued} (a dot is never reused)")
        self.last_issued = seq
        self.own_seq = max(self.own_seq, seq)
        if seq % every_k == 0:
            self._keep(self.issued, [seq, time_ms])

    def merged(self, before, after, nbytes, time_ms, every_k):
        """A received state merged: `before`/`after` are this replica's vectors around the
        merge. Returns whether it changed the state (as the vectors tell)."""
        before = check_vector(before, "vector before the merge")
        after = check_vector(after, "vector after the merge")
        self._count_received(nbytes)
        self.sync["merges"] += 1
        changed = before != after
        if changed:
            self.sync["changedMerges"] += 1
        for origin, high in after.items():
            low = before.get(origin, 0)
            if origin == self.id or high <= low:
                continue
            # One merge may take in many dots of one origin (a state-based merge does).
            for seq in traced_between(low, high, every_k):
                self._keep(self.included, [origin, seq, time_ms])
        return changed

    def _keep(self, pending, item):
        if len(pending) >= MAX_PENDING:
            del pending[: MAX_PENDING // 2]
            self.dropped += 1
            self.needs_full = True
        pending.append(item)

    def received(self, nbytes):
        self._count_received(nbytes)

    def sent(self, kind, nbytes):
        check_seq(nbytes, "bytes")
        self.sync["sentMessages"] += 1
        self.sync["sentBytes"] += nbytes
        counter = self.by_kind.setdefault(check_kind(kind), {"messages": 0, "bytes": 0})
        counter["messages"] += 1
        counter["bytes"] += nbytes

    def _count_received(self, nbytes):
        check_seq(nbytes, "bytes")
        self.sync["receivedMessages"] += 1
        self.sync["receivedBytes"] += nbytes

    # ---- reports ----------------------------------------------------------------------

    def cut(self, config_version):
        """This replica's report entry now, and what committing it means."""
        vv = check_vector(self.source.version_vector(), f"version vector of {self.id}")
        self.own_seq = max(self.own_seq, vv.get(self.id, 0))
        digest = self._digest()
        entry = {"replica": self.id, "seq": self.own_seq}
        if self.needs_full:
            entry["full"] = True
            entry["vv"] = [[o, s] for o, s in sorted(vv.items())]
        else:
            entry["vv"] = [[o, s] for o, s in sorted(vv.items()) if self.sent_vv.get(o, 0) != s]
        if self.needs_full or digest != self.sent_digest:
            entry["hash"], entry["bytes"], entry["summary"] = digest
        issued, included = self.issued[:MAX_ISSUED], self.included[:MAX_INCLUDED]
        if issued:
            entry["issued"] = issued
        if included:
            entry["included"] = included
        entry["sync"] = {**self.sync, **({"byKind": {k: dict(v) for k, v in self.by_kind.items()}} if self.by_kind else {})}
        if config_version is not None:
            entry["configVersion"] = config_version
        return entry, (vv, digest, len(issued), len(included), self.dropped, entry.get("full", False))

    def commit(self, cut):
        vv, digest, n_issued, n_included, dropped, was_full = cut
        self.sent_vv, self.sent_digest = vv, digest
        if self.dropped == dropped:
            self.dropped = 0
            self.needs_full = self.needs_full and not was_full
            del self.issued[:n_issued]
            del self.included[:n_included]
        else:
            # Pending dots overflowed since the cut: what was sent is no longer at the
            # front; keep it all (the collector ignores a dot it has) and stay due a full entry.
            self.dropped -= dropped

    def _digest(self):
        state_hash, size, summary = self.source.state_hash(), self.source.state_size(), self.source.summary()
        if not isinstance(state_hash, str) or not HASH_PATTERN.match(state_hash):
            raise ValueError(f"state_hash() of {self.id} must be a str of 1-128 characters of A-Z a-z 0-9 + / = _ -, got {state_hash!r}")
        check_seq(size, f"state_size() of {self.id}")
        if not isinstance(summary, str):
            raise TypeError(f"summary() of {self.id} must be a str, got {summary!r}")
        return state_hash, size, summary[:256]
