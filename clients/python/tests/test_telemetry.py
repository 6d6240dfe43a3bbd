"""A replica's report entries: whole vectors first, then only the entries that changed;
traced dots by the stride k; included dots worked out from the vectors around a merge."""

import unittest

from driftscope_client.telemetry import ReplicaTelemetry, traced_between


class FakeReplica:
    crdt_type = "gcounter"

    def __init__(self, replica_id="r0"):
        self.replica_id = replica_id
        self.vv = {}
        self.hash = "h0"

    def version_vector(self):
        return dict(self.vv)

    def state_hash(self):
        return self.hash

    def state_size(self):
        return 10

    def summary(self):
        return "s"


def report(telemetry, config_version=None):
    entry, cut = telemetry.cut(config_version)
    telemetry.commit(cut)
    return entry


class ReportEntries(unittest.TestCase):
    def test_whole_vector_first_then_sparse_changes(self):
        source = FakeReplica()
        t = ReplicaTelemetry(source)
        source.vv = {"r0": 2, "r1": 5}
        first = report(t)
        self.assertEqual((first["full"], first["vv"], first["seq"]), (True, [["r0", 2], ["r1", 5]], 2))
        self.assertEqual(first["hash"], "h0")
        source.vv = {"r0": 2, "r1": 7, "r2": 1}
        second = report(t)
        self.assertNotIn("full", second)
        self.assertEqual(second["vv"], [["r1", 7], ["r2", 1]])
        self.assertNotIn("hash", second)  # unchanged: not resent
        source.hash = "h1"
        self.assertEqual(report(t)["hash"], "h1")

    def test_an_entry_not_accepted_is_sent_again(self):
        source = FakeReplica()
        t = ReplicaTelemetry(source)
        report(t)
        source.vv = {"r1": 3}
        t.issued_dot(1, 100.0, 1)
        lost, _ = t.cut(None)  # never committed: the collector did not get it
        again = report(t)
        self.assertEqual(again["vv"], lost["vv"])
        self.assertEqual(again["issued"], [[1, 100.0]])
        self.assertNotIn("issued", report(t))

    def test_request_full_sends_the_whole_vector_again(self):
        source = FakeReplica()
        t = ReplicaTelemetry(source)
        source.vv = {"r0": 1, "r1": 1}
        report(t)
        t.needs_full = True
        again = report(t)
        self.assertTrue(again["full"])
        self.assertEqual(again["vv"], [["r0", 1], ["r1", 1]])

    def test_issued_dots_follow_the_tracing_stride(self):
        t = ReplicaTelemetry(FakeReplica())
        for seq in range(1, 8):
            t.issued_dot(seq, 1000.0 + seq, 3)
        self.assertEqual(report(t)["issued"], [[3, 1003.0], [6, 1006.0]])
        with self.assertRaises(ValueError):
            t.issued_dot(7, 0.0, 1)  # a dot is never reused

    def test_a_merge_includes_every_traced_dot_between_the_vectors(self):
        t = ReplicaTelemetry(FakeReplica("r0"))
        changed = t.merged({"r0": 4, "r1": 2}, {"r0": 4, "r1": 9, "r2": 4}, 30, 500.0, 2)
        self.assertTrue(changed)
        entry = report(t)
        self.assertEqual(entry["included"], [["r1", 4, 500.0], ["r1", 6, 500.0], ["r1", 8, 500.0], ["r2", 2, 500.0], ["r2", 4, 500.0]])
        self.assertEqual(entry["sync"]["merges"], 1)
        self.assertEqual(entry["sync"]["changedMerges"], 1)
        self.assertFalse(t.merged({"r1": 9}, {"r1": 9}, 30, 600.0, 2))
        self.assertEqual(report(t)["sync"]["changedMerges"], 1)

    def test_traced_between(self):
        self.assertEqual(list(traced_between(0, 5, 1)), [1, 2, 3, 4, 5])
        self.assertEqual(list(traced_between(4, 12, 4)), [8, 12])
        self.assertEqual(list(traced_between(3, 3, 1)), [])

    def test_counters_are_cumulative_with_kinds(self):
        t = ReplicaTelemetry(FakeReplica())
        t.sent("full", 10)
        t.sent("request", 2)
        report(t)
        t.sent("full", 5)
        sync = report(t)["sync"]
        self.assertEqual((sync["sentMessages"], sync["sentBytes"]), (3, 17))
        self.assertEqual(sync["byKind"], {"full": {"messages": 2, "bytes": 15}, "request": {"messages": 1, "bytes": 2}})
        with self.assertRaises(ValueError):
            t.sent("gossip", 1)

    def test_a_bad_hash_from_the_source_raises_naming_the_replica(self):
        source = FakeReplica()
        source.hash = "not a hash!"
        with self.assertRaises(ValueError) as raised:
            ReplicaTelemetry(source).cut(None)
        self.assertIn("r0", str(raised.exception))
