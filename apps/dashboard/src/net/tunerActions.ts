// What the tuner panel does, outside React: switch the auto-tuner on with the form's target,
// resume it after a person's change paused it, or switch it off — `PUT /api/v1/tuner` with
// the operator token, through the same request and token dialog as the experiments' actions.

import { TunerStateSchema, type TunerRequest } from "@driftscope/protocol";
import type { StoreApi } from "zustand/vanilla";
import type { DashboardState } from "../store/types.js";
import { tunerIssuesOf, tunerRequestOf } from "../viz/tunerDraft.js";
import { askedForToken } from "./experimentsActions.js";
import { ApiError, parsed, request } from "./experimentsApi.js";

type Store = StoreApi<DashboardState>;

async function send(store: Store, body: TunerRequest, again: () => Promise<void>): Promise<void> {
  const s = () => store.getState();
  s().setTunerSubmit({ phase: "sending" });
  try {
    const state = parsed(TunerStateSchema, await request("PUT", "/api/v1/tuner", { body, token: s().token }), "tuner state");
    s().setTunerAnswer(state);
    s().setTunerSubmit({ phase: "idle" }, []);
  } catch (e) {
    if (askedForToken(store, e, () => void again(), "the tuner")) {
      s().setTunerSubmit({ phase: "idle" });
      return;
    }
    const error = e instanceof ApiError ? e.error : null;
    s().setTunerSubmit({ phase: "failed", message: e instanceof Error ? e.message : String(e) }, tunerIssuesOf(error?.issues ?? []));
  }
}

/** Switches the tuner on with the form's target (or changes its target); boxes that hold no numbers are named and nothing is sent. */
export function switchTunerOn(store: Store): Promise<void> {
  const r = tunerRequestOf(store.getState().tunerDraft);
  if (!r.ok) {
    store.getState().setTunerSubmit({ phase: "failed", message: "Some boxes do not hold usable numbers." }, r.issues);
    return Promise.resolve();
  }
  return send(store, r.request, () => switchTunerOn(store));
}

/** Resumes the paused tuner with the target it had. */
export function resumeTuner(store: Store): Promise<void> {
  return send(store, { enabled: true }, () => resumeTuner(store));
}

/** Switches the tuner off (the config in force stays). */
export function switchTunerOff(store: Store): Promise<void> {
  return send(store, { enabled: false }, () => switchTunerOff(store));
}
