// Controls slice: what the person is changing, what was sent, and what the collector
// answered. A field goes editing → sending → applied (version N) → acknowledged (all live
// replicas run N; derived from the frames' KPIs), or → failed with the collector's reason.

import type { ConfigPatch, ControlResult, ConvergenceRisk } from "@driftscope/protocol";
import type { Slice } from "./types.js";

/** Config fields the controls edit, by dotted path. */
export const FIELD_KEYS = [
  "gossip.intervalMs",
  "gossip.fanout",
  "gossip.mode",
  "gossip.payload",
  "workload.updatesPerSecPerReplica",
  "network.latencyMs",
  "network.jitterMs",
  "network.lossRate",
  "network.partitions",
  "network.cuts",
  "network.crashed",
] as const;
/** One editable config field. */
export type FieldKey = (typeof FIELD_KEYS)[number];

/** Where a field's change stands. */
export interface FieldState {
  value: unknown;
  phase: "editing" | "sending" | "applied" | "failed";
  requestId?: string;
  /** Config version that carries the change (once applied). */
  version?: number;
  error?: string;
  atMs: number;
}

/** A change held back until the person confirms it: it would keep the cluster from converging. */
export interface RiskPrompt {
  risks: ConvergenceRisk[];
  keys: FieldKey[];
}

/** A run start/stop: sent, done, or refused with the collector's reason. */
export interface RunRequestState {
  requestId: string;
  phase: "sending" | "done" | "failed";
  error?: string;
}

export interface ControlsSlice {
  fields: Partial<Record<FieldKey, FieldState>>;
  /** Operator token (kept for the browser session). */
  token: string | null;
  /** Set when the collector refused a change for want of a token. */
  tokenPrompt: { reason: string } | null;
  /** The last run start/stop sent from the Runs page and the collector's answer. */
  runRequest: RunRequestState | null;
  /** A change waiting for confirmation (the sender holds it). */
  riskPrompt: RiskPrompt | null;
  askRisk(prompt: RiskPrompt): void;
  /** Drops the held change: its fields show the config in force again. */
  cancelRisk(): void;
  markRunRequest(requestId: string): void;
  editField(key: FieldKey, value: unknown): void;
  markSending(requestId: string, keys: readonly FieldKey[]): void;
  applyControlResult(result: ControlResult): void;
  /** Forgets a field's edit (Escape, or after acknowledgement). */
  clearField(key: FieldKey): void;
  setToken(token: string | null): void;
  requestToken(reason: string): void;
  dismissTokenPrompt(): void;
}

/** Builds the patch for the fields still being edited (pure; the sender calls it when debounced). */
export function buildPatch(fields: Partial<Record<FieldKey, FieldState>>): { patch: ConfigPatch; keys: FieldKey[] } {
  const patch: Record<string, Record<string, unknown>> = {};
  const keys: FieldKey[] = [];
  for (const key of FIELD_KEYS) {
    const f = fields[key];
    if (!f || f.phase !== "editing") continue;
    const [section, name] = key.split(".") as [string, string];
    (patch[section] ??= {})[name] = f.value;
    keys.push(key);
  }
  return { patch: patch as ConfigPatch, keys };
}

/** Human text for a refused change: the collector's message and the first field issues. */
export function describeError(result: ControlResult): string {
  const e = result.error;
  if (!e) return "refused";
  const issues = (e.issues ?? []).slice(0, 3).map((i) => `${i.path || "(patch)"}: ${i.reason}`);
  return [e.message, ...issues].join(" — ");
}

export const createControlsSlice: Slice<ControlsSlice> = (set, get) => ({
  fields: {},
  token: readToken(),
  tokenPrompt: null,
  runRequest: null,
  riskPrompt: null,
  askRisk(prompt) {
    set({ riskPrompt: prompt });
  },
  cancelRisk() {
    set((st) => {
      const fields = { ...st.fields };
      for (const key of st.riskPrompt?.keys ?? []) if (fields[key]?.phase === "editing") delete fields[key];
      return { fields, riskPrompt: null };
    });
  },
  markRunRequest(requestId) {
    set({ runRequest: { requestId, phase: "sending" } });
  },
  editField(key, value) {
    set((st) => ({ fields: { ...st.fields, [key]: { value, phase: "editing", atMs: Date.now() } } }));
  },
  markSending(requestId, keys) {
    set((st) => {
      const fields = { ...st.fields };
      for (const k of keys) {
        const f = fields[k];
        if (f) fields[k] = { ...f, phase: "sending", requestId };
      }
      // Whatever was held for confirmation is on its way now.
      return { fields, riskPrompt: null };
    });
  },
  applyControlResult(result) {
    const model = get().live;
    if (result.config) model.setConfig(result.config);
    // A run-control answer names the run now recording (or null).
    if (result.ok && result.run !== undefined) model.run = result.run;
    set((st) => {
      const fields = { ...st.fields };
      let refusedForToken = false;
      for (const key of FIELD_KEYS) {
        const f = fields[key];
        if (!f || f.requestId !== result.requestId) continue;
        if (result.ok) fields[key] = { ...f, phase: "applied", version: result.config?.version, atMs: Date.now() };
        else {
          const code = result.error?.code;
          if (code === "UNAUTHORIZED" || code === "FORBIDDEN") {
            // Keep the edit; it is sent again once a token is given.
            fields[key] = { ...f, phase: "editing", requestId: undefined };
            refusedForToken = true;
          } else fields[key] = { ...f, phase: "failed", error: describeError(result), atMs: Date.now() };
        }
      }
      let runRequest = st.runRequest;
      if (runRequest?.requestId === result.requestId) {
        const code = result.error?.code;
        if (!result.ok && (code === "UNAUTHORIZED" || code === "FORBIDDEN")) refusedForToken = true;
        runRequest = result.ok ? { ...runRequest, phase: "done" } : { ...runRequest, phase: "failed", error: describeError(result) };
      }
      return {
        fields,
        runRequest,
        dataVersion: st.dataVersion + 1,
        tokenPrompt: refusedForToken
          ? { reason: result.error?.code === "FORBIDDEN" ? "The operator token was not accepted." : "This collector requires the operator token to change the cluster." }
          : st.tokenPrompt,
      };
    });
  },
  clearField(key) {
    set((st) => {
      const fields = { ...st.fields };
      delete fields[key];
      return { fields };
    });
  },
  setToken(token) {
    writeToken(token);
    set({ token, tokenPrompt: null });
  },
  requestToken(reason) {
    set({ tokenPrompt: { reason } });
  },
  dismissTokenPrompt() {
    set({ tokenPrompt: null });
  },
});

const TOKEN_KEY = "driftscope.operatorToken";

function readToken(): string | null {
  try {
    return globalThis.sessionStorage?.getItem(TOKEN_KEY) ?? null;
  } catch {
    return null;
  }
}

function writeToken(token: string | null): void {
  try {
    if (token) globalThis.sessionStorage?.setItem(TOKEN_KEY, token);
    else globalThis.sessionStorage?.removeItem(TOKEN_KEY);
  } catch {
    // storage disabled: the token lives only in memory
  }
}
