import { useShallow } from "zustand/react/shallow";
import { startPlan } from "../net/experimentsActions.js";
import { dashboardStore, useDashboard } from "../store/store.js";
import { DRAFT_CRDT_TYPES, DRAFT_SETTINGS, type PlanDraft } from "../viz/planDraft.js";
import { PlanEstimate } from "./PlanEstimate.js";
import { PlanIssues } from "./PlanIssues.js";
import { PlanSettingRow } from "./PlanSettingRow.js";
import { StopRuleFields } from "./StopRuleFields.js";

/** Writes an experiment plan (docs/experiments.md), shows how long it will run, and starts it. */
export function PlanForm() {
  const d = useDashboard(
    useShallow((s) => ({
      name: s.planDraft.name,
      engine: s.planDraft.engine,
      replicas: s.planDraft.replicas,
      crdtType: s.planDraft.crdtType,
      warmupS: s.planDraft.warmupS,
      repetitions: s.planDraft.repetitions,
      seed: s.planDraft.seed,
      submit: s.planSubmit,
    })),
  );
  const edit = (next: Partial<PlanDraft>, field: string) => dashboardStore.getState().editDraft((x) => ({ ...x, ...next }), field);
  return (
    <section className="card plan-form" aria-labelledby="plan-title" data-testid="plan-form">
      <div className="card-head">
        <h2 id="plan-title">New experiment</h2>
        <div className="spacer" />
        <button type="button" className="btn small" onClick={() => dashboardStore.getState().resetDraft()} data-testid="plan-reset" title="Back to the example plan">
          Reset
        </button>
      </div>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void startPlan(dashboardStore);
        }}
      >
        <label className="plan-row">
          <span>Name</span>
          <input type="text" value={d.name} onChange={(e) => edit({ name: e.target.value }, "name")} data-testid="plan-name" />
        </label>
        <PlanIssues field="name" />
        <div className="plan-row">
          <span id="plan-engine-label">Engine</span>
          <div className="seg" role="radiogroup" aria-labelledby="plan-engine-label">
            {(["simulated", "live"] as const).map((engine) => (
              <button
                key={engine}
                type="button"
                role="radio"
                aria-checked={d.engine === engine}
                title={engine === "simulated" ? "The gossip runtime in virtual time, deterministic per seed" : "The connected cluster, in real time"}
                onClick={() => edit({ engine }, "engine")}
                data-testid={`plan-engine-${engine}`}
              >
                {engine}
              </button>
            ))}
          </div>
        </div>
        <PlanIssues field="engine" />
        {d.engine === "simulated" && (
          <div className="plan-row">
            <span>Cluster</span>
            <span className="inline">
              <input type="text" inputMode="numeric" className="short" aria-label="Simulated replicas" value={d.replicas} onChange={(e) => edit({ replicas: e.target.value }, "cluster.replicas")} data-testid="plan-replicas" />
              <span>replicas of</span>
              <select aria-label="CRDT type" value={d.crdtType} onChange={(e) => edit({ crdtType: e.target.value as PlanDraft["crdtType"] }, "cluster.crdtType")} data-testid="plan-crdt">
                {DRAFT_CRDT_TYPES.map((t) => (
                  <option key={t}>{t}</option>
                ))}
              </select>
            </span>
          </div>
        )}
        {["cluster", "cluster.replicas", "cluster.crdtType"].map((f) => (
          <PlanIssues key={f} field={f} />
        ))}
        <fieldset className="plan-group">
          <legend>Settings: fixed for every point, or swept (every combination is a point)</legend>
          {DRAFT_SETTINGS.map((k) => (
            <PlanSettingRow key={k} setting={k} />
          ))}
          <PlanIssues field="sweep" />
          <PlanIssues field="fixed" />
        </fieldset>
        <label className="plan-row">
          <span>Warm-up</span>
          <span className="inline">
            <input type="text" inputMode="decimal" className="short" value={d.warmupS} onChange={(e) => edit({ warmupS: e.target.value }, "warmupMs")} data-testid="plan-warmup" /> s per point, before measuring
          </span>
        </label>
        <PlanIssues field="warmupMs" />
        <StopRuleFields />
        <div className="plan-row">
          <span>Repetitions</span>
          <span className="inline">
            <input type="text" inputMode="numeric" className="short" aria-label="Repetitions" value={d.repetitions} onChange={(e) => edit({ repetitions: e.target.value }, "repetitions")} data-testid="plan-repetitions" />
            <span>from seed</span>
            <input type="text" inputMode="numeric" className="short" aria-label="Seed" value={d.seed} onChange={(e) => edit({ seed: e.target.value }, "seed")} data-testid="plan-seed" />
          </span>
        </div>
        <PlanIssues field="repetitions" />
        <PlanIssues field="seed" />
        <PlanEstimate />
        <PlanIssues field="plan" />
        {d.submit.phase === "failed" && d.submit.message && (
          <div className="field-error" role="alert" data-testid="plan-error">
            {d.submit.message}
          </div>
        )}
        <div className="inline plan-actions">
          <button type="submit" className="btn primary" disabled={d.submit.phase === "sending"} data-testid="plan-start">
            {d.submit.phase === "sending" ? "Starting…" : "Start experiment"}
          </button>
        </div>
      </form>
    </section>
  );
}
