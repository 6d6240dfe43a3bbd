// Where an experiment stands, in words: "measuring point 2 of 3", "3 of 3 points", the
// share done, and how much simulated (or real) time its plan covers.

import type { Experiment } from "@driftscope/protocol";
import { planPoints, pointDurationMs } from "@driftscope/protocol";
import { formatDurationMs } from "./format.js";

/** The progress line of an experiment. */
export interface ExperimentProgressText {
  share: number;
  pointText: string;
  clockText: string;
  planText: string;
}

/** Progress of an experiment as the tab shows it. */
export function progressOf(e: Pick<Experiment, "status" | "totalPoints" | "results" | "plan">): ExperimentProgressText {
  const done = e.results.length;
  const n = e.totalPoints;
  const pointText =
    e.status !== "running"
      ? `${done} of ${n} point${n === 1 ? "" : "s"} measured${done < n ? ` — ${e.status}` : ""}`
      : done >= n
        ? `finishing (${done} of ${n} done)`
        : `measuring point ${done + 1} of ${n} (${done} done)`;
  const per = pointDurationMs(e.plan);
  const clock = e.plan.engine === "simulated" ? "simulated time" : "real time";
  const atMost = "capMs" in e.plan.measure ? "at most " : "";
  const p = e.plan;
  const cluster = p.cluster ? `${p.cluster.replicas} × ${p.cluster.crdtType}` : "live cluster";
  return {
    share: n > 0 ? done / n : 0,
    pointText,
    clockText: `${atMost}${formatDurationMs(per)} of ${clock} per point, ${atMost}${formatDurationMs(per * n)} in all`,
    planText: `${p.engine} · ${cluster} · ${planPoints(p).length} points (${Object.keys(p.sweep).join(" × ")}) · seed ${p.seed}`,
  };
}
