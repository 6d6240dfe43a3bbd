"""Five replicas of a state-based grow-only counter gossiping in one process, reported
to a Driftscope collector, and retuned by it (gossip interval, fanout, mode). Run it with a collector on 127.0.0.1:7420 (`npm start` or `driftscope serve`):

    python3 examples/gossip_counter.py [--url http://127.0.0.1:7420] [--seconds 60]

The tests import GossipCluster from here and compare the collector's figures with the
replicas' own vectors (the truth)."""

import argparse
import hashlib
import json
import os
import random
import sys
import threading

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from driftscope_client import Agent  # noqa: E402


class GCounterReplica:
    """counts[r] = increments made at replica r. The state is its own version vector:
    the increments of r are the dots (r, 1..counts[r]), and a merge (pointwise max) may
    take in many dots of one origin at once."""

    crdt_type = "gcounter"

    def __init__(self, replica_id):
        self.replica_id = replica_id
        self._counts = {}
        self._lock = threading.Lock()

    def increment(self):
        """A local update; returns its seq."""
        with self._lock:
            self._counts[self.replica_id] = self._counts.get(self.replica_id, 0) + 1
            return self._counts[self.replica_id]

    def merge(self, other):
        """Merges another replica's state; returns the vectors before and after."""
        with self._lock:
            before = dict(self._counts)
            for origin, count in other.items():
                if count > self._counts.get(origin, 0):
                    self._counts[origin] = count
            return before, dict(self._counts)

    def encoded(self):
        """The canonical encoding (what gossip sends, and what the hash covers)."""
        with self._lock:
            return json.dumps(self._counts, sort_keys=True, separators=(",", ":")).encode()

    # ---- ReplicaSource ------------------------------------------------------------------
    def version_vector(self):
        with self._lock:
            return dict(self._counts)

    def state_hash(self):
        return hashlib.sha256(self.encoded()).hexdigest()[:16]

    def state_size(self):
        return len(self.encoded())

    def summary(self):
        with self._lock:
            return f"count={sum(self._counts.values())}"


class GossipCluster:
    """N replicas, one thread each: updates at `updates_per_sec`, and every `interval_ms`
    a gossip round with `fanout` random peers (push: send my state; pull: ask for theirs)."""

    def __init__(self, agent=None, n=5, prefix="py", interval_ms=200, fanout=1, mode="push", updates_per_sec=5.0, seed=1):
        self.replicas = [GCounterReplica(f"{prefix}.r{i}") for i in range(n)]
        self.agent = agent
        self.interval_ms, self.fanout, self.mode, self.updates_per_sec = interval_ms, fanout, mode, updates_per_sec
        self.gossiping = threading.Event()
        self.updating = threading.Event()
        self.gossiping.set()
        self.updating.set()
        self._stop = threading.Event()
        self._rng = random.Random(seed)
        self._rng_lock = threading.Lock()
        self._threads = []
        self._busy = threading.Condition()  # counts rounds and updates in progress
        self._in_progress = 0
        self.applied_versions = []
        if agent is not None:
            for replica in self.replicas:
                agent.attach(replica)

    # ---- config from the collector --------------------------------------------------------
    def apply_config(self, config):
        """The agent's on_config. This node applies the gossip section only (the agent's
        default capabilities, ["gossip"]): its update rate is its own, and it simulates no
        faults. A fanout beyond its peers is refused, and nothing is applied."""
        gossip = config["gossip"]
        peers = len(self.replicas) - 1
        if gossip["fanout"] > peers:
            return f"fanout {gossip['fanout']} is more than the {peers} peers a replica has here"
        self.interval_ms, self.fanout, self.mode = gossip["intervalMs"], gossip["fanout"], gossip["mode"]
        self.applied_versions.append(config["version"])
        return None

    # ---- running ------------------------------------------------------------------------------
    def start(self):
        for replica in self.replicas:
            thread = threading.Thread(target=self._run, args=(replica,), name=replica.replica_id, daemon=True)
            thread.start()
            self._threads.append(thread)
        return self

    def pause(self, gossip=True, updates=True):
        """Stops gossip and/or updates, and returns once none is in progress."""
        if gossip:
            self.gossiping.clear()
        if updates:
            self.updating.clear()
        with self._busy:
            self._busy.wait_for(lambda: self._in_progress == 0, timeout=10)

    def resume(self, gossip=True, updates=True):
        if gossip:
            self.gossiping.set()
        if updates:
            self.updating.set()

    def update(self, replica):
        """One local update at `replica`, reported to the agent."""
        seq = replica.increment()
        if self.agent is not None:
            self.agent.issued(replica.replica_id, seq)
        return seq

    def stop(self):
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=5)

    def truth(self):
        """Each replica's vector and its missing updates: Σ_r (F[r] − VV_i[r]), with F the
        highest seq of each origin over the replicas (all are live members)."""
        vectors = {r.replica_id: r.version_vector() for r in self.replicas}
        frontier = {}
        for vv in vectors.values():
            for origin, seq in vv.items():
                frontier[origin] = max(frontier.get(origin, 0), seq)
        missing = {rid: sum(seq - vv.get(origin, 0) for origin, seq in frontier.items()) for rid, vv in vectors.items()}
        return vectors, missing

    def _random(self, fn):
        with self._rng_lock:
            return fn(self._rng)

    def _run(self, replica):
        next_update = self._random(lambda rng: rng.random()) / max(self.updates_per_sec, 0.001)
        next_gossip = self._random(lambda rng: rng.random()) * self.interval_ms / 1000.0
        clock = 0.0  # seconds since start, advanced by the waits below
        while not self._stop.is_set():
            wait = max(0.0, min(next_update, next_gossip) - clock)
            if self._stop.wait(wait):
                return
            clock += wait
            if clock >= next_update:
                self._while_busy(self.updating, lambda: self.updates_per_sec > 0 and self.update(replica))
                next_update = clock + (1.0 / self.updates_per_sec if self.updates_per_sec > 0 else 1.0)
            if clock >= next_gossip:
                self._while_busy(self.gossiping, lambda: self.gossip_round(replica))
                next_gossip = clock + self.interval_ms / 1000.0

    def _while_busy(self, allowed, work):
        with self._busy:
            if not allowed.is_set():
                return
            self._in_progress += 1
        try:
            work()
        finally:
            with self._busy:
                self._in_progress -= 1
                self._busy.notify_all()

    def gossip_round(self, replica):
        peers = [r for r in self.replicas if r is not replica]
        chosen = self._random(lambda rng: rng.sample(peers, min(self.fanout, len(peers))))
        for peer in chosen:
            if self.mode in ("push", "push-pull"):
                self._deliver(replica, peer)
            if self.mode in ("pull", "push-pull"):
                if self.agent is not None:
                    self.agent.sent(replica.replica_id, peer.replica_id, "request", 16)
                    self.agent.received(peer.replica_id, replica.replica_id, "request", 16)
                self._deliver(peer, replica)

    def _deliver(self, sender, receiver):
        payload = sender.encoded()
        if self.agent is not None:
            self.agent.sent(sender.replica_id, receiver.replica_id, "full", len(payload))
        before, after = receiver.merge(json.loads(payload))
        if self.agent is not None:
            self.agent.merged(receiver.replica_id, sender.replica_id, "full", len(payload), before, after)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=os.environ.get("DRIFTSCOPE_URL", "http://127.0.0.1:7420"))
    parser.add_argument("--token", default=os.environ.get("DRIFTSCOPE_TOKEN"))
    parser.add_argument("--seconds", type=float, default=60.0)
    args = parser.parse_args()
    agent = Agent(args.url, agent_id=f"py-gcounter-{os.getpid()}", token=args.token, node_name="python gcounter example")
    cluster = GossipCluster(agent)
    agent.on_config = cluster.apply_config  # set before start: hello declares the capability
    agent.start()
    cluster.start()
    print(f"5 replicas gossiping; reporting to {args.url} for {args.seconds:.0f} s (Ctrl-C stops)")
    try:
        threading.Event().wait(args.seconds)
    except KeyboardInterrupt:
        pass
    cluster.stop()
    agent.close()
    vectors, missing = cluster.truth()
    print("missing updates at the end:", missing)


if __name__ == "__main__":
    main()
