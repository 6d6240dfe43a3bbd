import { describe, expect, it } from "vitest";
import * as f from "../test/fixtures.js";
import {
  CollectorToDashboardSchema,
  DashboardToCollectorSchema,
  FRAME_COLUMNS,
  FrameSchema,
  parseMessage,
  SnapshotSchema,
} from "./index.js";

function issuesOf(result: { ok: boolean; error?: { issues?: Array<{ path: string; reason: string }> } }) {
  expect(result.ok).toBe(false);
  return result.error?.issues ?? [];
}

describe("frames", () => {
  it("accept a frame with and without replicaIds", () => {
    expect(parseMessage(FrameSchema, f.frame()).ok).toBe(true);
    expect(parseMessage(FrameSchema, f.frame(3, false)).ok).toBe(true);
    expect(parseMessage(FrameSchema, f.frame(0)).ok).toBe(true);
  });

  it("stay compact: 1,024 replicas fit in well under 64 KB of JSON", () => {
    const frame = f.frame(1024);
    expect(parseMessage(FrameSchema, frame).ok).toBe(true);
    const withoutIds = JSON.stringify(f.frame(1024, false)).length;
    expect(withoutIds).toBeLessThan(40 * 1024);
    expect(JSON.stringify(frame).length).toBeLessThan(64 * 1024);
  });

  it("refuse columns of different lengths, naming the column", () => {
    for (const name of FRAME_COLUMNS.filter((c) => c !== "missingUpdates")) {
      const frame = f.frame();
      (frame.columns[name] as number[]).push(0);
      expect(issuesOf(parseMessage(FrameSchema, frame))).toEqual([{ path: `columns.${name}`, reason: "has 4 entries, missingUpdates has 3" }]);
    }
  });

  it("refuse replicaIds that do not match the columns, exchange indexes out of range, and unknown status codes", () => {
    const frame = f.frame();
    frame.replicaIds?.pop();
    frame.exchanges.push([0, 3]);
    frame.columns.status[1] = 3;
    expect(issuesOf(parseMessage(FrameSchema, frame))).toEqual([
      { path: "columns.status[1]", reason: "must be <= 2" },
      { path: "replicaIds", reason: "has 2 ids for 3 column entries" },
      { path: "exchanges[1]", reason: "index out of range (3 replicas)" },
    ]);
  });

  it("allow null percentiles and theory (no samples yet, one replica)", () => {
    const frame = { ...f.frame(1), theory: null, kpis: { ...f.kpis(), convergenceP50Ms: null, bytesPerUpdate: null } };
    expect(parseMessage(FrameSchema, frame).ok).toBe(true);
  });
});

describe("snapshot", () => {
  it("accepts the example and refuses frames of another membership", () => {
    expect(parseMessage(SnapshotSchema, f.snapshot()).ok).toBe(true);
    const s = f.snapshot();
    s.frames.push({ ...f.frame(3, false), membershipVersion: 2 });
    s.frames.push(f.frame(2, false));
    expect(issuesOf(parseMessage(SnapshotSchema, s))).toEqual([
      { path: "frames[1].membershipVersion", reason: "differs from the snapshot's" },
      { path: "frames[2].columns", reason: "not one entry per replica (3)" },
    ]);
  });
});

describe("collector → dashboard", () => {
  it("accepts control results, and requires an error when ok is false", () => {
    const good = { type: "control-result", requestId: "req-1", ok: true, config: f.snapshot().config };
    expect(parseMessage(CollectorToDashboardSchema, good).ok).toBe(true);
    expect(issuesOf(parseMessage(CollectorToDashboardSchema, { type: "control-result", requestId: "req-1", ok: false }))).toEqual([
      { path: "error", reason: "required when ok is false" },
    ]);
    const refused = { type: "control-result", requestId: "req-1", ok: false, error: { type: "error", code: "FORBIDDEN", message: "operator token required" } };
    expect(parseMessage(CollectorToDashboardSchema, refused).ok).toBe(true);
  });
});

describe("dashboard → collector", () => {
  it("accepts subscribe, request-snapshot, config-change and run-control", () => {
    const messages = [
      { type: "subscribe" },
      { type: "subscribe", token: "s3cret", windowMs: 60_000 },
      { type: "request-snapshot" },
      f.configChange(),
      { type: "run-control", requestId: "req-2", action: "start", name: "fanout 3" },
    ];
    for (const m of messages) expect(parseMessage(DashboardToCollectorSchema, m).ok, m.type).toBe(true);
  });
});
