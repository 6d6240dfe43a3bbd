// Debounced sending of control edits: a slider dragged for a second sends one change when
// it comes to rest (DEBOUNCE_MS), not fifty. Edits made while a change is in flight go out
// in the next one. A change that would keep the cluster from converging (100 % loss, a
// partition, latency of hundreds of intervals) is held until the person confirms it.

import { applyConfigPatch, newConvergenceRisks } from "@driftscope/protocol";
import type { StoreApi } from "zustand/vanilla";
import { buildPatch, type FieldKey } from "../store/controlsSlice.js";
import type { DashboardState } from "../store/types.js";
import type { Connection } from "./connection.js";

/** Quiet time after the last edit before the change is sent. */
export const DEBOUNCE_MS = 250;

/** Sends whatever is being edited once edits pause. */
export interface ConfigSender {
  /** Records an edit and (re)arms the debounce; `immediate` sends now (buttons, Enter). */
  edit(key: FieldKey, value: unknown, immediate?: boolean): void;
  /** Sends pending edits now (after a token was entered). */
  flush(): void;
  /** Sends the change held for confirmation. */
  confirmRisk(): void;
}

export function createConfigSender(
  store: StoreApi<DashboardState>,
  connection: () => Connection | null,
  // Wrapped: browsers throw "Illegal invocation" when setTimeout is called as a method of another object.
  timers: { set: typeof setTimeout; clear: typeof clearTimeout } = {
    set: ((fn: () => void, ms: number) => setTimeout(fn, ms)) as typeof setTimeout,
    clear: ((id: ReturnType<typeof setTimeout>) => clearTimeout(id)) as typeof clearTimeout,
  },
): ConfigSender {
  let timer: ReturnType<typeof setTimeout> | null = null;
  const flush = (confirmed = false) => {
    timer = null;
    const conn = connection();
    if (!conn) return;
    const state = store.getState();
    const { patch, keys } = buildPatch(state.fields);
    if (keys.length === 0) return;
    if (!confirmed) {
      const current = state.live.config;
      const next = current ? applyConfigPatch(current, patch) : null;
      const risks = next?.ok ? newConvergenceRisks(current, next.config, state.live.order) : [];
      if (risks.length > 0) {
        state.askRisk({ risks, keys });
        return;
      }
    }
    const requestId = conn.sendConfigChange(patch);
    store.getState().markSending(requestId, keys);
  };
  return {
    edit(key, value, immediate = false) {
      store.getState().editField(key, value);
      if (timer) timers.clear(timer);
      if (immediate) flush();
      else timer = timers.set(flush, DEBOUNCE_MS);
    },
    flush() {
      if (timer) timers.clear(timer);
      flush();
    },
    confirmRisk() {
      if (timer) timers.clear(timer);
      flush(true);
    },
  };
}
