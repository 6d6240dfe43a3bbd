// Report entries for tests, written with plain strings (the protocol's ids are branded).
import type { ReplicaReport } from "@driftscope/protocol";

/** A report entry as a test writes it: plain ids, sync counters optional (zero). */
export type Entry = Omit<ReplicaReport, "replica" | "vv" | "included" | "sync"> & {
  replica: string;
  vv: ReadonlyArray<readonly [string, number]>;
  included?: ReadonlyArray<readonly [string, number, number]>;
  sync?: ReplicaReport["sync"];
};

export const ZERO_SYNC: ReplicaReport["sync"] = { sentMessages: 0, sentBytes: 0, receivedMessages: 0, receivedBytes: 0, merges: 0, changedMerges: 0 };

/** The entry as the engine receives it after validation. */
export function entry(e: Entry): ReplicaReport {
  return { sync: ZERO_SYNC, ...e } as ReplicaReport;
}
