// Tuner slice: the form switching the auto-tuner on, the answer to the last request, and the
// collector's issues placed next to their boxes. The state shown comes from frames (they
// carry it while the tuner is on); the last answer bridges the second before the next frame.

import type { TunerState } from "@driftscope/protocol";
import { DEFAULT_TUNER_DRAFT, type TunerDraft, type TunerIssue } from "../viz/tunerDraft.js";
import type { DashboardState, Slice } from "./types.js";

/** The tuner when nothing says otherwise. */
export const TUNER_OFF: TunerState = { enabled: false, paused: null, state: "off", why: null, reason: "", target: null, lastChange: null };

/** Frames after an answer during which it is still shown (frames without a tuner mean: off). */
const ANSWER_FRAMES = 3;

export interface TunerSlice {
  tunerDraft: TunerDraft;
  /** The last request: being sent, or refused with a message (issues sit next to fields). */
  tunerSubmit: { phase: "idle" | "sending" | "failed"; message?: string };
  tunerIssues: TunerIssue[];
  /** The last answer of `PUT /api/v1/tuner`, and how many frames the live model had then. */
  tunerAnswer: { state: TunerState; atFrame: number } | null;
  setTunerDraft(next: Partial<TunerDraft>): void;
  setTunerSubmit(submit: TunerSlice["tunerSubmit"], issues?: TunerIssue[]): void;
  setTunerAnswer(state: TunerState): void;
}

export const createTunerSlice: Slice<TunerSlice> = (set, get) => ({
  tunerDraft: DEFAULT_TUNER_DRAFT,
  tunerSubmit: { phase: "idle" },
  tunerIssues: [],
  tunerAnswer: null,
  setTunerDraft(next) {
    set((st) => ({ tunerDraft: { ...st.tunerDraft, ...next } }));
  },
  setTunerSubmit(submit, issues) {
    set((st) => ({ tunerSubmit: submit, tunerIssues: issues ?? st.tunerIssues }));
  },
  setTunerAnswer(state) {
    set({ tunerAnswer: { state, atFrame: get().live.framesIngested } });
  },
});

/** The tuner's state as the live cluster's latest frame says, or the answer just received. */
export function shownTunerState(s: Pick<DashboardState, "live" | "tunerAnswer">): TunerState {
  const fromFrame = s.live.latest?.tuner;
  const answer = s.tunerAnswer;
  // A frame built just before the request may still say the opposite: the answer wins for a few frames.
  const recent = answer !== null && s.live.framesIngested <= answer.atFrame + ANSWER_FRAMES;
  if (recent && (!answer.state.enabled || fromFrame === undefined || s.live.framesIngested === answer.atFrame)) return answer.state;
  return fromFrame ?? TUNER_OFF;
}
