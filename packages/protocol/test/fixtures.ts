// Valid messages for tests: each test copies one and breaks exactly one thing.
import type { z } from "zod";
import type {
  ConfigAckSchema,
  ConfigChangeSchema,
  FrameSchema,
  HelloSchema,
  PingSchema,
  ReportSchema,
  SnapshotSchema,
} from "../src/index.js";
import { DEFAULT_CLUSTER_CONFIG, PROTOCOL_VERSION } from "../src/index.js";

export const T0 = 1_700_000_000_000;

export function hello() {
  return {
    type: "hello",
    protocol: PROTOCOL_VERSION,
    agentId: "node-a",
    node: { name: "node-a", pid: 4242, language: "typescript" },
    replicas: [
      { id: "r-0", crdtType: "awset" },
      { id: "r-1", crdtType: "awset" },
    ],
    clock: { agentTimeMs: T0 },
    reportIntervalMs: 500,
    capabilities: ["config", "workload", "faults"],
  } satisfies z.input<typeof HelloSchema>;
}

export function ping() {
  return { type: "ping", id: 1, agentTimeMs: T0 } satisfies z.input<typeof PingSchema>;
}

export function counters() {
  return { sentMessages: 10, sentBytes: 4200, receivedMessages: 9, receivedBytes: 3900, merges: 9, changedMerges: 4 };
}

export function report() {
  return {
    type: "report",
    agentId: "node-a",
    seq: 7,
    timeMs: T0 + 3500,
    replicas: [
      {
        replica: "r-0",
        seq: 12,
        vv: [
          ["r-0", 12],
          ["r-1", 9],
        ],
        hash: "9f86d081884c7d65",
        bytes: 412,
        summary: "12 elements",
        issued: [[12, T0 + 3400]],
        sync: counters(),
        configVersion: 1,
        status: "up",
      },
      {
        replica: "r-1",
        seq: 10,
        full: true,
        vv: [
          ["r-0", 11],
          ["r-1", 10],
        ],
        hash: "2c26b46b68ffc68f",
        bytes: 398,
        summary: "11 elements",
        included: [["r-0", 11, T0 + 3450]],
        sync: { ...counters(), byKind: { delta: { messages: 10, bytes: 4200 } } },
      },
    ],
    events: [
      { replica: "r-1", dir: "merged", peer: "r-0", kind: "delta", bytes: 96, timeMs: T0 + 3450, changed: true },
      { replica: "r-0", dir: "sent", peer: "r-1", kind: "delta", bytes: 96, timeMs: T0 + 3440 },
    ],
  } satisfies z.input<typeof ReportSchema>;
}

export function configAck() {
  return { type: "config-ack", agentId: "node-a", version: 2, replicas: ["r-0", "r-1"], ok: true } satisfies z.input<
    typeof ConfigAckSchema
  >;
}

export function configChange() {
  return {
    type: "config-change",
    requestId: "req-1",
    patch: { gossip: { fanout: 3 } },
  } satisfies z.input<typeof ConfigChangeSchema>;
}

export function kpis() {
  return {
    live: 3,
    unreachable: 0,
    crashed: 0,
    total: 3,
    convergedShare: 2 / 3,
    distinctStates: 2,
    missingUpdatesTotal: 4,
    maxStalenessMs: 850,
    meanMissingUpdates: 4 / 3,
    inFlight: 3,
    oldestInFlightMs: 850,
    lostUpdates: 0,
    convergenceP50Ms: 1200,
    convergenceP95Ms: 2100,
    convergenceP99Ms: 2400,
    convergenceMaxMs: 2500,
    convergenceSamples: 40,
    convergenceAtLeast: { p50: false, p95: false, p99: false, max: false },
    updatesPerSec: 3,
    messagesPerSec: 6,
    bytesPerSec: 2400,
    deliveriesPerSec: 6,
    bytesPerUpdate: 800,
    configVersion: 1,
    ackedReplicas: 3,
  };
}

export function frame(n = 3, withIds = true) {
  const ids = Array.from({ length: n }, (_, i) => `r-${i}`);
  const col = (v: number) => Array.from({ length: n }, () => v);
  return {
    type: "frame",
    seq: 42,
    timeMs: T0 + 4200,
    membershipVersion: 1,
    ...(withIds ? { replicaIds: ids } : {}),
    columns: {
      missingUpdates: col(1),
      stalenessMs: col(120),
      status: col(0),
      updatesPerSec: col(1),
      messagesPerSec: col(2),
      bytesPerSec: col(800),
      configVersion: col(1),
      stateGroup: col(0),
    },
    kpis: kpis(),
    samples: [["r-0", 11, T0 + 2000, 1800]],
    exchanges: n >= 2 ? [[0, 1]] : [],
    theory: {
      n,
      intervalMs: 1000,
      fanout: 2,
      mode: "push-pull",
      lossRate: 0,
      expectedRounds: 2.1,
      expectedMs: 2100,
      lowerBoundRounds: null,
      lowerBoundMs: null,
    },
    sampling: { traceEveryK: 1, droppedEvents: 0 },
    events: [],
  } satisfies z.input<typeof FrameSchema>;
}

export function snapshot() {
  return {
    type: "snapshot",
    timeMs: T0 + 4200,
    windowMs: 60_000,
    run: { id: "run-1", name: "baseline", startedAtMs: T0, endedAtMs: null },
    config: structuredClone(DEFAULT_CLUSTER_CONFIG),
    membershipVersion: 1,
    replicas: [0, 1, 2].map((i) => ({
      id: `r-${i}`,
      agentId: "node-a",
      node: "node-a",
      crdtType: "awset",
      status: "live" as const,
      configVersion: 1,
    })),
    frames: [frame(3, false)],
    history: [{ timeMs: T0 + 4200, kpis: kpis() }],
    samples: [["r-0", 11, T0 + 2000, 1800]],
    events: [{ timeMs: T0, kind: "run", summary: "run started" }],
  } satisfies z.input<typeof SnapshotSchema>;
}
