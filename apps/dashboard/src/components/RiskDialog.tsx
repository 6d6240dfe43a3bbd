import { useEffect, useRef } from "react";
import { useShallow } from "zustand/react/shallow";
import { configSender } from "../net/runtime.js";
import { useDashboard } from "../store/store.js";

/**
 * Asks once before sending a change that keeps the cluster from converging (100 % loss, a
 * partition, latency of hundreds of intervals). Cancel keeps the config in force.
 */
export function RiskDialog() {
  const { prompt, cancel } = useDashboard(useShallow((s) => ({ prompt: s.riskPrompt, cancel: s.cancelRisk })));
  const box = useRef<HTMLDivElement>(null);
  // Focus goes to the dialog, not a button: the Enter that committed the value would press it.
  useEffect(() => {
    if (prompt) box.current?.focus();
  }, [prompt]);
  if (!prompt) return null;
  return (
    <div className="dialog-backdrop" role="presentation" onKeyDown={(e) => e.key === "Escape" && cancel()}>
      <div className="dialog" ref={box} tabIndex={-1} role="alertdialog" aria-modal="true" aria-labelledby="risk-title" aria-describedby="risk-list" data-testid="risk-dialog">
        <h2 id="risk-title">The cluster will not converge</h2>
        <ul id="risk-list" className="risk-list">
          {prompt.risks.map((r) => (
            <li key={r.kind}>{r.message}.</li>
          ))}
        </ul>
        <div className="muted">While this holds, the header shows a warning. Undo it from the same control.</div>
        <div className="inline" style={{ justifyContent: "flex-end", marginTop: 12 }}>
          <button type="button" className="btn" onClick={cancel} data-testid="risk-cancel">
            Cancel
          </button>
          <button type="button" className="btn primary" onClick={() => configSender.confirmRisk()} data-testid="risk-confirm">
            Apply anyway
          </button>
        </div>
      </div>
    </div>
  );
}
