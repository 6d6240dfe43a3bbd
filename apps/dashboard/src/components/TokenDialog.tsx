import { useState } from "react";
import { useShallow } from "zustand/react/shallow";
import { retryAfterToken } from "../net/experimentsActions.js";
import { configSender, getConnection } from "../net/runtime.js";
import { useDashboard } from "../store/store.js";

/** Asks for the operator token when the collector refused a change for want of one. */
export function TokenDialog() {
  const { prompt, setToken, dismiss } = useDashboard(useShallow((s) => ({ prompt: s.tokenPrompt, setToken: s.setToken, dismiss: s.dismissTokenPrompt })));
  const [value, setValue] = useState("");
  if (!prompt) return null;
  return (
    <div className="dialog-backdrop" role="presentation" onKeyDown={(e) => e.key === "Escape" && dismiss()}>
      <form
        className="dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby="token-title"
        data-testid="token-dialog"
        onSubmit={(e) => {
          e.preventDefault();
          if (!value) return;
          setToken(value);
          setValue("");
          getConnection()?.resubscribe();
          configSender.flush();
          retryAfterToken();
        }}
      >
        <h2 id="token-title">Operator token needed</h2>
        <div className="muted">{prompt.reason} Your change is kept and sent once the token is given. It is kept for this browser tab only.</div>
        <label className="sr-only" htmlFor="token-input">Operator token</label>
        <input id="token-input" type="password" autoFocus autoComplete="off" value={value} onChange={(e) => setValue(e.target.value)} data-testid="token-input" placeholder="Operator token" />
        <div className="inline" style={{ justifyContent: "flex-end" }}>
          <button type="button" className="btn" onClick={dismiss}>
            Cancel
          </button>
          <button type="submit" className="btn primary" data-testid="token-submit">
            Apply with token
          </button>
        </div>
      </form>
    </div>
  );
}
