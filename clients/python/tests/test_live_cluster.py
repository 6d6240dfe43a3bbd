"""Five gossiping replicas of the example, reported to a real collector: what it shows
(GET /api/v1/cluster and /api/v1/replicas/:id) must match what the replicas themselves
know. The scenario runs once; each test checks one thing a user would look at."""

import os
import sys
import threading
import time
import unittest

from driftscope_client import Agent, HttpTransport, ClockOffset

from .collector import TOKEN, URL, get_json, put_config, require_collector, wait_for

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "examples"))
from gossip_counter import GossipCluster  # noqa: E402

PREFIX = "py"
IDS = [f"{PREFIX}.r{i}" for i in range(5)]


def ours(snapshot):
    return {r["id"]: r for r in snapshot["replicas"] if r["id"].startswith(PREFIX + ".")}


def collector_missing():
    return {rid: get_json(f"/api/v1/replicas/{rid}")["missingUpdates"] for rid in IDS}


class LiveCluster(unittest.TestCase):
    seen = {}

    @classmethod
    def setUpClass(cls):
        require_collector()
        seen = cls.seen
        agent = Agent(URL, agent_id="py-test-node", token=TOKEN, node_name="python client test", report_interval_ms=200)
        cluster = GossipCluster(agent, n=5, prefix=PREFIX)
        agent.on_config = cluster.apply_config
        agent.start()
        cluster.start()
        try:
            seen["live"] = wait_for(lambda: ours(get_json("/api/v1/cluster")), lambda r: len(r) == 5 and all(x["status"] == "live" for x in r.values()))

            # A config change, as a slider makes it: applied by the node, acknowledged.
            changed = put_config({"gossip": {"intervalMs": 150, "fanout": 1, "mode": "push"}, "telemetry": {"traceEveryK": 2}})
            seen["version"] = changed["version"]
            seen["acked"] = wait_for(lambda: ours(get_json("/api/v1/cluster")), lambda r: all(x["configVersion"] == changed["version"] for x in r.values()))
            seen["applied"] = (cluster.interval_ms, cluster.fanout, cluster.mode, agent.status()["traceEveryK"])
            traced_from_ms = agent.clock.now_ms()

            # Convergence samples of dots issued under the new stride.
            def later_samples(snapshot):
                return [s for s in snapshot["samples"] if s[0].startswith(PREFIX + ".") and s[2] > traced_from_ms + 500]

            seen["samples"] = wait_for(lambda: later_samples(get_json("/api/v1/cluster")), lambda s: len(s) >= 10)

            # Diverged on purpose: no gossip, a few known updates, then one report.
            cluster.pause()
            for i, count in ((0, 3), (2, 1)):
                for _ in range(count):
                    cluster.update(cluster.replicas[i])
            _, truth = cluster.truth()
            agent.flush()
            seen["diverged"] = (truth, wait_for(collector_missing, lambda m: m == truth, timeout_s=5))

            # Gossip only, until the replicas agree; then the collector must say so.
            cluster.resume(gossip=True, updates=False)
            wait_for(lambda: cluster.truth()[1], lambda m: not any(m.values()), timeout_s=20)
            cluster.pause()
            _, truth = cluster.truth()
            agent.flush()
            seen["converged"] = (truth, wait_for(collector_missing, lambda m: m == truth, timeout_s=5))

            # A config the node cannot apply (more fanout than it has peers): refused, with its reason.
            refused = put_config({"gossip": {"fanout": 8}})

            def refusals(snapshot):
                return [e for e in snapshot["events"] if e.get("version") == refused["version"] and "refused" in e["summary"]]

            seen["refusals"] = wait_for(lambda: refusals(get_json("/api/v1/cluster")), lambda r: len(r) > 0)
            seen["after_refusal"] = ours(get_json("/api/v1/cluster"))
        finally:
            cluster.stop()
            agent.close()
        # The snapshot's membership follows at the next frame.
        seen["after_bye"] = wait_for(lambda: ours(get_json("/api/v1/cluster")), lambda r: not r, timeout_s=5)

    def test_five_replicas_live(self):
        self.assertEqual(sorted(self.seen["live"]), IDS)
        self.assertTrue(all(r["status"] == "live" and r["crdtType"] == "gcounter" for r in self.seen["live"].values()))

    def test_config_change_applied_and_acknowledged(self):
        self.assertEqual({r["configVersion"] for r in self.seen["acked"].values()}, {self.seen["version"]})
        self.assertEqual(self.seen["applied"], (150, 1, "push", 2))

    def test_missing_counts_equal_truth_while_diverged(self):
        truth, shown = self.seen["diverged"]
        self.assertGreater(sum(truth.values()), 0)  # the scenario did diverge
        self.assertEqual(shown, truth)

    def test_missing_counts_zero_once_converged(self):
        truth, shown = self.seen["converged"]
        self.assertEqual(truth, {rid: 0 for rid in IDS})
        self.assertEqual(shown, truth)

    def test_convergence_samples_follow_the_tracing_stride(self):
        samples = self.seen["samples"]
        self.assertGreaterEqual(len(samples), 10)
        self.assertTrue(all(seq % 2 == 0 for _, seq, _, _ in samples), samples)
        self.assertTrue(all(convergence_ms >= 0 for *_, convergence_ms in samples))

    def test_a_config_the_node_cannot_apply_is_refused_with_its_reason(self):
        self.assertEqual(len(self.seen["refusals"]), 1)
        self.assertIn("4 peers", self.seen["refusals"][0]["detail"])
        # The replicas still run the version they acknowledged.
        self.assertEqual({r["configVersion"] for r in self.seen["after_refusal"].values()}, {self.seen["version"]})

    def test_bye_takes_the_replicas_out(self):
        self.assertEqual(self.seen["after_bye"], {})


class ConfigLongPoll(unittest.TestCase):
    """The documented channel alone (docs/protocol.md §8.1): no reports carry a
    configVersion here, so no ingest answer brings the change."""

    def test_a_held_poll_brings_the_change_and_the_ack_is_recorded(self):
        require_collector()
        transport = HttpTransport(URL, ClockOffset(), token=TOKEN)
        hello = {"type": "hello", "protocol": 1, "agentId": "py-poller", "node": {"name": "poller"},
                 "replicas": [{"id": "poll.r0", "crdtType": "gcounter"}], "clock": {"agentTimeMs": 0}, "capabilities": ["config"]}
        current = transport.post_ingest([hello])["config"]["version"]
        answer = {}
        poller = threading.Thread(target=lambda: answer.update(poll=transport.poll_config("py-poller", current, 20_000)))
        poller.start()
        try:
            # Give the poll time to be held (had the change come first, the poll would get
            # it at once: the same answer, so this wait decides no outcome).
            time.sleep(0.3)
            changed = put_config({"gossip": {"fanout": 2}})
            poller.join(timeout=20)
            self.assertEqual(answer["poll"]["type"], "config")
            self.assertEqual(answer["poll"]["config"], changed)
            ack = {"type": "config-ack", "agentId": "py-poller", "version": changed["version"], "replicas": ["poll.r0"], "ok": True}
            self.assertEqual(transport.post_ingest([ack])["accepted"], 1)
            self.assertEqual(get_json("/api/v1/replicas/poll.r0")["configVersion"], changed["version"])
        finally:
            transport.post_ingest([{"type": "bye", "agentId": "py-poller"}])


class OwnGossip(unittest.TestCase):
    """A node that runs its own gossip (it declares no gossip capability) says what it runs;
    the theory line then describes that, not the collector's config."""

    def test_the_theory_line_follows_the_settings_the_node_reports(self):
        require_collector()
        agent = Agent(URL, agent_id="py-own-gossip", token=TOKEN, report_interval_ms=200, capabilities=[],
                      gossip={"intervalMs": 700, "fanout": 1, "mode": "push"})
        GossipCluster(agent, n=3, prefix="own")  # its replicas are attached and never started: static states
        agent.start()

        def theory():
            frames = get_json("/api/v1/cluster")["frames"]
            return frames[-1]["theory"] if frames else None

        def describes(t, interval, fanout, mode):
            return t is not None and (t["n"], t["intervalMs"], t["fanout"], t["mode"]) == (3, interval, fanout, mode)

        try:
            first = wait_for(theory, lambda t: describes(t, 700, 1, "push"))
            agent.report_gossip({"intervalMs": 300, "fanout": 2, "mode": "push-pull"})
            second = wait_for(theory, lambda t: describes(t, 300, 2, "push-pull"))
        finally:
            agent.close()
        self.assertTrue(describes(first, 700, 1, "push"), first)
        self.assertTrue(describes(second, 300, 2, "push-pull"), second)
