// Experiments the collector runs (DESIGN §4): a validated plan, its points measured one
// after another, progress for whoever watches (point i of n, ETA), cancel at any moment,
// and the results table with a recommendation. The simulated engine runs in a process of
// its own (simulator.ts); the live engine drives the connected cluster (liveEngine.ts), one
// live experiment at a time.
import { parsePlan, planPoints, protocolError, type ClusterConfig, type ErrorMessage, type ExperimentPlan, type PointResult } from "@driftscope/protocol";
import { runLive, type LiveCluster, type Sleep } from "./liveEngine.js";
import { pointResult } from "./pointResult.js";
import { runSimulation, type SimulationRun } from "./simulator.js";
import { pointConfig, simulatorPoints } from "./simulatorPoints.js";

export type ExperimentStatus = "running" | "done" | "cancelled" | "failed" | "interrupted";

/** One experiment as the API shows it. */
export interface Experiment {
  id: string;
  plan: ExperimentPlan;
  status: ExperimentStatus;
  createdAtMs: number;
  endedAtMs: number | null;
  totalPoints: number;
  results: PointResult[];
  /** Estimated ms until the end (null before the first point finished, or when ended). */
  etaMs: number | null;
  error: string | null;
}

export interface ExperimentsDeps {
  config: () => ClusterConfig;
  now: () => number;
  /** Called whenever an experiment changes (a point finished, it ended). */
  onChange?: (experiment: Experiment) => void;
  /** Keeps experiments across restarts (undefined: memory only). */
  store?: ExperimentStore;
  /** The connected cluster, for live plans (undefined: live plans are refused). */
  live?: LiveCluster;
  /** How the live engine waits (tests give a faster one). */
  sleep?: Sleep;
}

/** Where experiments are kept. */
export interface ExperimentStore {
  save(experiment: Experiment): void;
  list(): Experiment[];
  delete(id: string): boolean;
}

export class Experiments {
  private readonly all = new Map<string, Experiment>();
  private readonly running = new Map<string, SimulationRun>();
  private liveRunning: string | null = null;
  private seq = 0;

  constructor(private readonly deps: ExperimentsDeps) {
    for (const e of deps.store?.list() ?? []) {
      // A collector that stopped mid-experiment: the finished points stay, the rest never ran.
      const restored = e.status === "running" ? { ...e, status: "interrupted" as const, endedAtMs: e.endedAtMs ?? deps.now(), etaMs: null } : e;
      this.all.set(e.id, restored);
      if (restored !== e) deps.store?.save(restored);
      const n = Number(e.id.replace(/^exp-/, ""));
      if (Number.isInteger(n) && n > this.seq) this.seq = n;
    }
  }

  /** Validates and starts a plan; answers the experiment or why not. */
  start(input: unknown): { ok: true; experiment: Experiment } | { ok: false; error: ErrorMessage } {
    const parsed = parsePlan(input);
    if (!parsed.ok) return parsed;
    const plan = parsed.value;
    if (plan.engine === "live") return this.startLive(plan);
    const points = simulatorPoints(plan, this.deps.config());
    const experiment = this.create(plan, points.length);
    const started = this.deps.now();
    const run = runSimulation(
      points.map((p) => p.spec),
      (line) => {
        if (line.type !== "point") return;
        const p = points[line.index]!;
        experiment.results.push(pointResult(p.point, p.config, p.spec.replicas, line.observation));
        const perPoint = (this.deps.now() - started) / experiment.results.length;
        experiment.etaMs = Math.round(perPoint * (experiment.totalPoints - experiment.results.length));
        this.changed(experiment);
      },
    );
    this.running.set(experiment.id, run);
    run.done.then(
      () => this.end(experiment, "done", null),
      (error: Error) => this.end(experiment, error.message === "cancelled" ? "cancelled" : "failed", error.message === "cancelled" ? null : error.message),
    );
    return { ok: true, experiment };
  }

  private startLive(plan: ExperimentPlan): { ok: true; experiment: Experiment } | { ok: false; error: ErrorMessage } {
    const live = this.deps.live;
    if (live === undefined) {
      const reason = "this collector has no live cluster to drive: run the plan with engine \"simulated\"";
      return { ok: false, error: protocolError("VALIDATION", `experiment refused: engine: ${reason}`, { issues: [{ path: "engine", reason }] }) };
    }
    if (this.liveRunning !== null) {
      const reason = `experiment ${this.liveRunning} is driving the live cluster; cancel it or wait`;
      return { ok: false, error: protocolError("CONFLICT", `experiment refused: ${reason}`, { issues: [{ path: "engine", reason }] }) };
    }
    const base = live.config();
    const points = planPoints(plan).map((point) => ({ point, config: pointConfig(plan, point, base) }));
    const experiment = this.create(plan, points.length);
    this.liveRunning = experiment.id;
    let cancelled = false;
    const started = this.deps.now();
    const done = runLive(
      live,
      plan,
      points.map((p) => ({ index: p.point.index, config: p.config })),
      `experiment ${experiment.id} (${plan.name})`,
      (index, observation, replicas) => {
        const p = points[index]!;
        experiment.results.push(pointResult(p.point, p.config, replicas, observation));
        experiment.etaMs = Math.round(((this.deps.now() - started) / experiment.results.length) * (experiment.totalPoints - experiment.results.length));
        this.changed(experiment);
      },
      () => cancelled,
      this.deps.sleep,
    );
    const run: SimulationRun = { cancel: () => (cancelled = true), done };
    this.running.set(experiment.id, run);
    done.then(
      () => this.end(experiment, "done", null),
      (error: Error) => this.end(experiment, error.message === "cancelled" ? "cancelled" : "failed", error.message === "cancelled" ? null : error.message),
    );
    return { ok: true, experiment };
  }

  private create(plan: ExperimentPlan, totalPoints: number): Experiment {
    const experiment: Experiment = { id: `exp-${++this.seq}`, plan, status: "running", createdAtMs: this.deps.now(), endedAtMs: null, totalPoints, results: [], etaMs: null, error: null };
    this.all.set(experiment.id, experiment);
    this.changed(experiment);
    return experiment;
  }

  get(id: string): Experiment | undefined {
    return this.all.get(id);
  }

  /** Newest first. */
  list(): Experiment[] {
    return [...this.all.values()].sort((a, b) => b.createdAtMs - a.createdAtMs);
  }

  /** Cancels a running experiment (its finished points stay); false when it is not running. */
  cancel(id: string): boolean {
    const run = this.running.get(id);
    if (run === undefined) return false;
    run.cancel();
    return true;
  }

  /** Deletes a finished experiment; false when unknown or still running. */
  delete(id: string): boolean {
    const e = this.all.get(id);
    if (e === undefined || e.status === "running") return false;
    this.all.delete(id);
    this.deps.store?.delete(id);
    return true;
  }

  /** Resolves when the experiment has ended (for the CLI and tests). */
  async finished(id: string): Promise<Experiment | undefined> {
    const run = this.running.get(id);
    if (run !== undefined) await run.done.catch(() => undefined);
    return this.all.get(id);
  }

  /** Cancels everything running (the collector is closing). */
  close(): void {
    for (const run of this.running.values()) run.cancel();
  }

  private end(e: Experiment, status: ExperimentStatus, error: string | null): void {
    this.running.delete(e.id);
    if (this.liveRunning === e.id) this.liveRunning = null;
    e.status = status;
    e.error = error;
    e.endedAtMs = this.deps.now();
    e.etaMs = null;
    this.changed(e);
  }

  private changed(e: Experiment): void {
    this.deps.store?.save(e);
    this.deps.onChange?.(e);
  }
}
