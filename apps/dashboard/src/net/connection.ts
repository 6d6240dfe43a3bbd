// The socket to the collector's /dashboards namespace. Handlers write to the store outside
// React; redraws are coalesced to one per animation frame however many frames arrive.
// socket.io reconnects by itself; every (re)connect subscribes again and gets a snapshot.

import {
  DASHBOARD_NAMESPACE,
  type CollectorToDashboardEvents,
  type ConfigPatch,
  type DashboardToCollectorEvents,
} from "@driftscope/protocol";
import { io, type Socket } from "socket.io-client";
import type { StoreApi } from "zustand/vanilla";
import type { DashboardState } from "../store/types.js";
import { fetchReplicaInfo } from "./api.js";
import { collectorBase } from "./collectorUrl.js";

type DashboardSocket = Socket<CollectorToDashboardEvents, DashboardToCollectorEvents>;

/** What the rest of the app may ask of the connection. */
export interface Connection {
  /** Sends a config change; returns its request id. */
  sendConfigChange(patch: ConfigPatch): string;
  /** With `start`, `config` is applied between the old run's end and the new run's start. */
  sendRunControl(action: "start" | "stop", name?: string, config?: ConfigPatch): string;
  /** Subscribes again (e.g. with a token just entered). */
  resubscribe(): void;
  close(): void;
}

let requestCounter = 0;

/** A fresh request id, unique within this page. */
export function newRequestId(): string {
  requestCounter++;
  return `ui-${Date.now().toString(36)}-${requestCounter}`;
}

/** Opens the socket and wires it to the store. */
export function connect(store: StoreApi<DashboardState>, base = collectorBase()): Connection {
  const socket: DashboardSocket = io(`${base}${DASHBOARD_NAMESPACE}`, {
    transports: ["websocket", "polling"],
    reconnection: true,
    reconnectionDelay: 500,
    reconnectionDelayMax: 5000,
    // Read at every (re)connect, so a token entered later is used from then on.
    auth: (cb) => {
      const token = store.getState().token;
      cb(token ? { token } : {});
    },
  });
  const s = () => store.getState();
  let redrawScheduled = false;
  let snapshotRequestedAt = 0;
  let replicaInfoRequestedAt = 0;
  const scheduleRedraw = () => {
    if (redrawScheduled) return;
    redrawScheduled = true;
    // Bound call: requestAnimationFrame throws "Illegal invocation" when detached from window.
    const raf = (cb: () => void) => (typeof globalThis.requestAnimationFrame === "function" ? globalThis.requestAnimationFrame(cb) : setTimeout(cb, 16));
    raf(() => {
      redrawScheduled = false;
      s().touch();
    });
  };
  // Restarts and dot reuse change a replica's info in place: fetch the list again, at most every 2 s.
  const refreshReplicaInfo = () => {
    const model = s().live;
    const now = Date.now();
    if (!model.replicaInfoStale || now - replicaInfoRequestedAt < 2000) return;
    replicaInfoRequestedAt = now;
    model.replicaInfoStale = false;
    fetchReplicaInfo().then(
      (replicas) => {
        s().live.updateReplicaInfo(replicas);
        scheduleRedraw();
      },
      () => (model.replicaInfoStale = true),
    );
  };
  const subscribe = () => {
    const token = s().token;
    socket.emit("subscribe", { type: "subscribe", ...(token ? { token } : {}) });
  };

  socket.on("connect", () => {
    s().setConnection("connected");
    s().setError(null);
    subscribe();
  });
  socket.on("disconnect", () => s().setConnection("reconnecting"));
  socket.io.on("reconnect_attempt", () => s().setConnection("reconnecting"));
  socket.io.on("reconnect_failed", () => s().setConnection("disconnected"));
  socket.on("connect_error", () => {
    if (s().connection !== "connected") s().setConnection("reconnecting");
  });
  socket.on("snapshot", (snapshot) => s().ingestSnapshot(snapshot));
  socket.on("frame", (frame) => {
    if (s().ingestFrame(frame) === "need-snapshot") {
      // One request per second at most: frames keep coming while the snapshot is on its way.
      const now = Date.now();
      if (now - snapshotRequestedAt > 1000) {
        snapshotRequestedAt = now;
        socket.emit("request-snapshot", { type: "request-snapshot" });
      }
    } else refreshReplicaInfo();
    scheduleRedraw();
  });
  socket.on("control-result", (result) => s().applyControlResult(result));
  socket.on("error", (error) => {
    s().setError(error);
    if (error.code === "UNAUTHORIZED" || error.code === "FORBIDDEN") {
      s().requestToken(error.code === "FORBIDDEN" ? "The token was not accepted." : "This collector requires a token.");
    }
  });

  return {
    sendConfigChange(patch) {
      const requestId = newRequestId();
      const token = s().token;
      socket.emit("config-change", { type: "config-change", requestId, patch, ...(token ? { token } : {}) });
      return requestId;
    },
    sendRunControl(action, name, config) {
      const requestId = newRequestId();
      const token = s().token;
      socket.emit("run-control", { type: "run-control", requestId, action, ...(name ? { name } : {}), ...(config ? { config } : {}), ...(token ? { token } : {}) });
      return requestId;
    },
    resubscribe: subscribe,
    close() {
      socket.close();
    },
  };
}
