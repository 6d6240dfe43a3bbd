import type { FieldState } from "../store/controlsSlice.js";
import { ackStatus } from "../store/selectors.js";
import { useDashboard } from "../store/store.js";

export interface FieldStatusProps {
  field: FieldState | undefined;
  testId: string;
}

/** pending → sending → applied as vN (k/N acknowledged) → acknowledged, or refused. */
export function FieldStatus({ field, testId }: FieldStatusProps) {
  // Controls act on the live cluster, also while a recording is on show.
  const model = useDashboard((s) => s.live);
  useDashboard((s) => s.dataVersion);
  if (!field) return null;
  let cls: string = field.phase;
  let text: string;
  switch (field.phase) {
    case "editing":
      text = "pending";
      break;
    case "sending":
      text = "sending…";
      break;
    case "failed":
      text = "refused";
      break;
    case "applied": {
      const ack = ackStatus(model, field.version);
      if (ack?.done) {
        cls = "acked";
        text = `v${field.version} ✓ ${ack.acked}/${ack.live}`;
      } else text = `v${field.version ?? "?"} · ${ack ? `${ack.acked}/${ack.live}` : "…"} acked`;
      break;
    }
  }
  return (
    <span className={`status ${cls}`} data-testid={`${testId}-status`} data-phase={cls} role="status" aria-live="polite" title={field.error}>
      {text}
    </span>
  );
}
