import unittest

from driftscope_client import Agent, check_id, check_vector


class IdChecks(unittest.TestCase):
    def test_valid_ids_pass(self):
        self.assertEqual(check_id("py-1.r0:a_b"), "py-1.r0:a_b")

    def test_bad_ids_raise_naming_the_value(self):
        for bad in ("", "a b", "é", "x" * 129, "__proto__", "constructor"):
            with self.assertRaises(ValueError) as raised:
                check_id(bad, "replica id")
            self.assertIn("replica id", str(raised.exception))
        with self.assertRaises(TypeError):
            check_id(b"bytes")

    def test_vectors_are_dicts_or_pairs_of_ints(self):
        self.assertEqual(check_vector({"a": 2, "b": 0}), {"a": 2})
        self.assertEqual(check_vector([("a", 2), ["b", 3]]), {"a": 2, "b": 3})
        for bad, error in (({"a": -1}, ValueError), ({"a": 1.5}, TypeError), ({"a": True}, TypeError), ([("a", 1), ("a", 2)], ValueError), ("a", TypeError), ([1, 2], TypeError)):
            with self.assertRaises(error, msg=repr(bad)):
                check_vector(bad)

    def test_agent_refuses_a_report_interval_in_seconds(self):
        with self.assertRaises(ValueError) as raised:
            Agent("http://127.0.0.1:1", agent_id="a", report_interval_ms=0.5)
        self.assertIn("milliseconds", str(raised.exception))

    def test_own_gossip_settings_are_checked(self):
        with self.assertRaises(ValueError) as raised:
            Agent("http://127.0.0.1:1", agent_id="a", gossip={"intervalMs": 2, "fanout": 1, "mode": "push"})
        self.assertIn("seconds", str(raised.exception))
        for bad in ({"intervalMs": 500, "fanout": 0, "mode": "push"}, {"intervalMs": 500, "fanout": 1, "mode": "gossip"}, {"interval": 500}):
            with self.assertRaises(ValueError, msg=repr(bad)):
                Agent("http://127.0.0.1:1", agent_id="a", gossip=bad)
        with self.assertRaises(ValueError):
            Agent("http://127.0.0.1:1", agent_id="a", capabilities=["config"])
