// Cluster slice: the live model (and a recording being replayed), the connection state
// and the replica selection shared by every view.

import type { ErrorMessage, Frame, Snapshot } from "@driftscope/protocol";
import { ClusterModel, type IngestOutcome } from "./clusterModel.js";
import type { Slice } from "./types.js";

/** Where the socket stands; the header shows it. */
export type ConnectionState = "connecting" | "connected" | "reconnecting" | "disconnected";

/** Most replicas that can be selected at once (each gets a line on the time charts). */
export const MAX_SELECTED = 6;

export interface ClusterSlice {
  /** The live cluster; mutable buffers, redrawn when `dataVersion` changes. */
  live: ClusterModel;
  /** A recorded run opened for viewing, or null. */
  replay: ClusterModel | null;
  /** Which model the charts show. */
  view: "live" | "replay";
  /** Bumped (at most once per animation frame) whenever a model changed. */
  dataVersion: number;
  connection: ConnectionState;
  reconnects: number;
  lastError: ErrorMessage | null;
  /** Selected replicas, most recent last. */
  selected: string[];
  /** Replica under the pointer in any view (highlighted everywhere). */
  hovered: string | null;
  ingestSnapshot(s: Snapshot): void;
  ingestFrame(f: Frame): IngestOutcome;
  /** Marks models changed (the net layer calls this once per animation frame). */
  touch(): void;
  setConnection(state: ConnectionState): void;
  setError(error: ErrorMessage | null): void;
  /** Click: select only this one (or deselect it); with `additive`, toggle it in the set. */
  selectReplica(id: string, additive?: boolean): void;
  clearSelection(): void;
  setHovered(id: string | null): void;
  setReplay(model: ClusterModel | null): void;
  setView(view: "live" | "replay"): void;
}

export const createClusterSlice: Slice<ClusterSlice> = (set, get) => ({
  live: new ClusterModel(),
  replay: null,
  view: "live",
  dataVersion: 0,
  connection: "connecting",
  reconnects: 0,
  lastError: null,
  selected: [],
  hovered: null,
  ingestSnapshot(s) {
    get().live.applySnapshot(s);
    set((st) => ({ dataVersion: st.dataVersion + 1 }));
  },
  ingestFrame(f) {
    return get().live.ingestFrame(f);
  },
  touch() {
    set((st) => ({ dataVersion: st.dataVersion + 1 }));
  },
  setConnection(state) {
    set((st) => ({
      connection: state,
      reconnects: state === "connected" && st.connection === "reconnecting" ? st.reconnects + 1 : st.reconnects,
    }));
  },
  setError(error) {
    set({ lastError: error });
  },
  selectReplica(id, additive = false) {
    set((st) => {
      const has = st.selected.includes(id);
      if (!additive) return { selected: has && st.selected.length === 1 ? [] : [id] };
      if (has) return { selected: st.selected.filter((s) => s !== id) };
      return { selected: [...st.selected, id].slice(-MAX_SELECTED) };
    });
  },
  clearSelection() {
    set({ selected: [] });
  },
  setHovered(id) {
    if (get().hovered !== id) set({ hovered: id });
  },
  setReplay(model) {
    set((st) => ({ replay: model, view: model ? "replay" : "live", dataVersion: st.dataVersion + 1 }));
  },
  setView(view) {
    set((st) => ({ view: view === "replay" && !st.replay ? "live" : view, dataVersion: st.dataVersion + 1 }));
  },
});
