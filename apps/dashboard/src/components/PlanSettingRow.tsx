import { dashboardStore, useDashboard } from "../store/store.js";
import { SETTING_META, settingField, splitValues, type DraftSetting, type SettingDraft, type SettingUse } from "../viz/planDraft.js";
import { PlanIssues } from "./PlanIssues.js";

export interface PlanSettingRowProps {
  setting: DraftSetting;
}

const USES: { value: SettingUse; label: string }[] = [
  { value: "cluster", label: "cluster" },
  { value: "fixed", label: "fixed" },
  { value: "swept", label: "swept" },
];

/** One setting of the plan: left to the cluster config, fixed for every point, or swept over values. */
export function PlanSettingRow({ setting }: PlanSettingRowProps) {
  const s = useDashboard((st) => st.planDraft.settings[setting]);
  const intervalAs = useDashboard((st) => st.planDraft.intervalAs);
  const range = useDashboard((st) => st.planDraft.intervalRange);
  const meta = SETTING_META[setting];
  const field = settingField(setting, s.use);
  const edit = (next: Partial<SettingDraft>, f = field) =>
    dashboardStore.getState().editDraft((d) => ({ ...d, settings: { ...d.settings, [setting]: { ...d.settings[setting], ...next } } }), f);
  const id = `plan-${setting}`;
  const ticked = splitValues(s.values);
  return (
    <div className={`plan-setting ${s.use === "swept" && (setting === "intervalMs" || meta.choices) ? "wide" : ""}`} data-testid={`${id}-row`}>
      <label htmlFor={`${id}-use`}>
        {meta.label}
        {meta.unit && <span className="muted"> ({meta.unit})</span>}
      </label>
      <select id={`${id}-use`} title="cluster: the value in force on the cluster; fixed: one value for every point; swept: every value listed is a point" value={s.use} onChange={(e) => edit({ use: e.target.value as SettingUse })} data-testid={`${id}-use`}>
        {USES.filter((u) => u.value !== "swept" || meta.sweepable).map((u) => (
          <option key={u.value} value={u.value}>
            {u.label}
          </option>
        ))}
      </select>
      <div className="plan-values">
        {s.use === "cluster" && <span className="muted">as in force</span>}
        {s.use === "fixed" &&
          (meta.choices ? (
            <select aria-label={`${meta.label}, fixed`} value={s.value} onChange={(e) => edit({ value: e.target.value })} data-testid={`${id}-value`}>
              {meta.choices.map((c) => (
                <option key={c}>{c}</option>
              ))}
            </select>
          ) : (
            <input type="text" inputMode="decimal" aria-label={`${meta.label}, fixed (${meta.unit})`} value={s.value} onChange={(e) => edit({ value: e.target.value })} data-testid={`${id}-value`} />
          ))}
        {s.use === "swept" &&
          (meta.choices ? (
            <span className="inline">
              {meta.choices.map((c) => (
                <label key={c} className="inline">
                  <input
                    type="checkbox"
                    checked={ticked.includes(c)}
                    onChange={(e) => edit({ values: (e.target.checked ? [...ticked, c] : ticked.filter((x) => x !== c)).join(", ") })}
                    data-testid={`${id}-sweep-${c}`}
                  />
                  {c}
                </label>
              ))}
            </span>
          ) : setting === "intervalMs" ? (
            <span className="inline">
              <span className="seg" role="radiogroup" aria-label="Swept intervals as">
                {(["list", "range"] as const).map((a) => (
                  <button key={a} type="button" role="radio" aria-checked={intervalAs === a} onClick={() => dashboardStore.getState().editDraft((d) => ({ ...d, intervalAs: a }), "sweep.intervalMs")} data-testid={`plan-interval-as-${a}`}>
                    {a === "list" ? "list" : "log range"}
                  </button>
                ))}
              </span>
              {intervalAs === "list" ? (
                <input type="text" aria-label="Sync intervals to sweep (ms), comma-separated" placeholder="10, 100, 1000" value={s.values} onChange={(e) => edit({ values: e.target.value })} data-testid={`${id}-values`} />
              ) : (
                <>
                  {(["from", "to", "points"] as const).map((k) => (
                    <input
                      key={k}
                      type="text"
                      inputMode="decimal"
                      className="short"
                      aria-label={`Log range ${k}`}
                      placeholder={k}
                      value={range[k]}
                      onChange={(e) => dashboardStore.getState().editDraft((d) => ({ ...d, intervalRange: { ...d.intervalRange, [k]: e.target.value } }), "sweep.intervalMs")}
                      data-testid={`plan-interval-${k}`}
                    />
                  ))}
                </>
              )}
            </span>
          ) : (
            <input type="text" aria-label={`${meta.label} values to sweep (${meta.unit}), comma-separated`} value={s.values} onChange={(e) => edit({ values: e.target.value })} data-testid={`${id}-values`} />
          ))}
      </div>
      <PlanIssues field={field} />
    </div>
  );
}
