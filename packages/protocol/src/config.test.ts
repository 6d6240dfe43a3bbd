import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  applyConfigPatch,
  type ClusterConfig,
  ClusterConfigSchema,
  DEFAULT_CLUSTER_CONFIG,
  GOSSIP_MODES,
  PAYLOAD_MODES,
} from "./index.js";

function expectError(result: ReturnType<typeof applyConfigPatch>, code: string, path: string, reason: RegExp) {
  expect(result.ok).toBe(false);
  if (result.ok) return;
  expect(result.error.code).toBe(code);
  expect(result.error.issues).toContainEqual({ path, reason: expect.stringMatching(reason) });
}

describe("DEFAULT_CLUSTER_CONFIG", () => {
  it("is a valid config with the documented defaults", () => {
    expect(ClusterConfigSchema.parse(DEFAULT_CLUSTER_CONFIG)).toEqual(DEFAULT_CLUSTER_CONFIG);
    expect(DEFAULT_CLUSTER_CONFIG.gossip).toEqual({ intervalMs: 1000, fanout: 2, mode: "push-pull", payload: "delta" });
    expect(DEFAULT_CLUSTER_CONFIG.workload).toMatchObject({ updatesPerSecPerReplica: 1, crdtType: "awset" });
    expect(DEFAULT_CLUSTER_CONFIG.network).toEqual({ latencyMs: 0, jitterMs: 0, lossRate: 0, partitions: [], cuts: [], crashed: [] });
  });

  it("cannot be mutated by accident", () => {
    expect(() => {
      (DEFAULT_CLUSTER_CONFIG.gossip as { fanout: number }).fanout = 9;
    }).toThrow(TypeError);
    expect(DEFAULT_CLUSTER_CONFIG.gossip.fanout).toBe(2);
  });
});

describe("applyConfigPatch", () => {
  it("returns a new config with version + 1 and the changed paths, leaving the input alone", () => {
    const before = structuredClone(DEFAULT_CLUSTER_CONFIG);
    const r = applyConfigPatch(DEFAULT_CLUSTER_CONFIG, { gossip: { fanout: 3, mode: "push" }, network: { lossRate: 0.1 } });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.config.version).toBe(DEFAULT_CLUSTER_CONFIG.version + 1);
    expect(r.config.gossip).toEqual({ intervalMs: 1000, fanout: 3, mode: "push", payload: "delta" });
    expect(r.config.network.lossRate).toBe(0.1);
    expect(r.changed).toEqual(["gossip.fanout", "gossip.mode", "network.lossRate"]);
    expect(DEFAULT_CLUSTER_CONFIG).toEqual(before);
    // The result is a fresh, mutable object (not the frozen default).
    r.config.gossip.fanout = 4;
    expect(DEFAULT_CLUSTER_CONFIG.gossip.fanout).toBe(2);
  });

  it("bumps the version even when the patch changes no value, and says nothing changed", () => {
    const r = applyConfigPatch(DEFAULT_CLUSTER_CONFIG, { gossip: { fanout: 2 } });
    expect(r.ok && r.config.version).toBe(2);
    expect(r.ok && r.changed).toEqual([]);
  });

  it("names the field and reason for fanout 0 and intervalMs -5", () => {
    expectError(applyConfigPatch(DEFAULT_CLUSTER_CONFIG, { gossip: { fanout: 0 } }), "VALIDATION", "gossip.fanout", /^Fanout takes a whole number from 1 to 64 peers; 0 peers is too small$/);
    expectError(applyConfigPatch(DEFAULT_CLUSTER_CONFIG, { gossip: { intervalMs: -5 } }), "VALIDATION", "gossip.intervalMs", /^Sync interval takes a whole number from 10 to 60000 ms; -5 ms is too small$/);
  });

  it("refuses a patch that sets version, unknown sections or unknown fields", () => {
    expectError(applyConfigPatch(DEFAULT_CLUSTER_CONFIG, { version: 9 }), "VALIDATION", "version", /unknown field/);
    expectError(applyConfigPatch(DEFAULT_CLUSTER_CONFIG, { gosip: { fanout: 2 } }), "VALIDATION", "gosip", /unknown field/);
    expectError(applyConfigPatch(DEFAULT_CLUSTER_CONFIG, { gossip: { fan: 2 } }), "VALIDATION", "gossip.fan", /unknown field/);
  });

  it("refuses bad enum values, fractions where integers are required, and out-of-range rates", () => {
    expectError(applyConfigPatch(DEFAULT_CLUSTER_CONFIG, { gossip: { mode: "broadcast" } }), "VALIDATION", "gossip.mode", /push-pull/);
    expectError(applyConfigPatch(DEFAULT_CLUSTER_CONFIG, { gossip: { fanout: 1.5 } }), "VALIDATION", "gossip.fanout", /1.5 is not a whole number/);
    expectError(applyConfigPatch(DEFAULT_CLUSTER_CONFIG, { network: { lossRate: 1.2 } }), "VALIDATION", "network.lossRate", /^Message loss takes a number from 0 to 100 %; 120 % is too large$/);
    expectError(applyConfigPatch(DEFAULT_CLUSTER_CONFIG, { workload: { crdtType: "orset" } }), "VALIDATION", "workload.crdtType", /awset/);
  });

  it("refuses overlapping partitions, self-cuts and duplicate crashed replicas", () => {
    expectError(
      applyConfigPatch(DEFAULT_CLUSTER_CONFIG, { network: { partitions: [["a", "b"], ["c", "a"]] } }),
      "VALIDATION",
      "network.partitions[1][1]",
      /already in group 0/,
    );
    expectError(applyConfigPatch(DEFAULT_CLUSTER_CONFIG, { network: { cuts: [{ from: "a", to: "a" }] } }), "VALIDATION", "network.cuts[0].to", /two different/);
    expectError(applyConfigPatch(DEFAULT_CLUSTER_CONFIG, { network: { crashed: ["a", "a"] } }), "VALIDATION", "network.crashed[1]", /twice/);
  });

  it("answers CONFLICT when expectedVersion is not the current version", () => {
    expectError(applyConfigPatch(DEFAULT_CLUSTER_CONFIG, { expectedVersion: 7, gossip: { fanout: 3 } }), "CONFLICT", "expectedVersion", /version 1/);
    expect(applyConfigPatch(DEFAULT_CLUSTER_CONFIG, { expectedVersion: 1, gossip: { fanout: 3 } }).ok).toBe(true);
  });

  it("replaces arrays whole (partitions, cuts, crashed) rather than merging them", () => {
    const first = applyConfigPatch(DEFAULT_CLUSTER_CONFIG, { network: { crashed: ["a", "b"] } });
    if (!first.ok) throw new Error(first.error.message);
    const second = applyConfigPatch(first.config, { network: { crashed: ["c"] } });
    expect(second.ok && second.config.network.crashed).toEqual(["c"]);
  });

  it("refuses a non-object patch", () => {
    expectError(applyConfigPatch(DEFAULT_CLUSTER_CONFIG, null), "VALIDATION", "", /expected object/);
    expectError(applyConfigPatch(DEFAULT_CLUSTER_CONFIG, [1]), "VALIDATION", "", /expected object/);
  });

  it("P-CF1: any valid patch yields a valid config carrying exactly the patched values, version + 1", () => {
    const patchArb = fc.record(
      {
        gossip: fc.record(
          {
            intervalMs: fc.integer({ min: 10, max: 60_000 }),
            fanout: fc.integer({ min: 1, max: 64 }),
            mode: fc.constantFrom(...GOSSIP_MODES),
            payload: fc.constantFrom(...PAYLOAD_MODES),
          },
          { requiredKeys: [] },
        ),
        network: fc.record(
          { lossRate: fc.double({ min: 0, max: 1, noNaN: true }), latencyMs: fc.integer({ min: 0, max: 60_000 }) },
          { requiredKeys: [] },
        ),
        workload: fc.record({ updatesPerSecPerReplica: fc.double({ min: 0, max: 1000, noNaN: true }) }, { requiredKeys: [] }),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(patchArb, (patch) => {
        const r = applyConfigPatch(DEFAULT_CLUSTER_CONFIG, patch);
        expect(r.ok).toBe(true);
        if (!r.ok) return;
        expect(ClusterConfigSchema.safeParse(r.config).success).toBe(true);
        expect(r.config.version).toBe(DEFAULT_CLUSTER_CONFIG.version + 1);
        for (const section of ["gossip", "network", "workload"] as const) {
          const want = { ...DEFAULT_CLUSTER_CONFIG[section], ...patch[section] };
          expect(r.config[section]).toEqual(want);
        }
      }),
      { numRuns: 200 },
    );
  });

  it("P-CF2: a patch outside the ranges is refused and names the field it broke", () => {
    const bad = fc.oneof(
      fc.integer({ max: 0 }).map((fanout) => ({ patch: { gossip: { fanout } }, path: "gossip.fanout" })),
      fc.integer({ min: 65, max: 1e6 }).map((fanout) => ({ patch: { gossip: { fanout } }, path: "gossip.fanout" })),
      fc.integer({ max: 9 }).map((intervalMs) => ({ patch: { gossip: { intervalMs } }, path: "gossip.intervalMs" })),
      fc.double({ min: 1.0001, max: 1e9, noNaN: true }).map((lossRate) => ({ patch: { network: { lossRate } }, path: "network.lossRate" })),
    );
    fc.assert(
      fc.property(bad, ({ patch, path }) => {
        const r = applyConfigPatch(DEFAULT_CLUSTER_CONFIG, patch);
        expect(r.ok).toBe(false);
        if (!r.ok) expect(r.error.issues?.map((i) => i.path)).toEqual([path]);
      }),
      { numRuns: 200 },
    );
  });

  it("refuses to build on a corrupt base config instead of passing it on", () => {
    const corrupt = { ...DEFAULT_CLUSTER_CONFIG, gossip: { ...DEFAULT_CLUSTER_CONFIG.gossip, fanout: -1 } } as ClusterConfig;
    expectError(applyConfigPatch(corrupt, { network: { lossRate: 0.5 } }), "VALIDATION", "gossip.fanout", /^Fanout takes a whole number from 1 to 64 peers; -1 peers is too small$/);
  });
});
