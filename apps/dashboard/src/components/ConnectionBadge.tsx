import { useShallow } from "zustand/react/shallow";
import { useDashboard } from "../store/store.js";

export interface ConnectionBadgeProps {
  compact?: boolean;
}

const TEXT = { connecting: "Connecting…", connected: "Live", reconnecting: "Reconnecting…", disconnected: "Disconnected" } as const;

/** The socket's state; reconnection is automatic, this only tells the person. */
export function ConnectionBadge({ compact }: ConnectionBadgeProps) {
  const { connection, reconnects, lastError } = useDashboard(useShallow((s) => ({ connection: s.connection, reconnects: s.reconnects, lastError: s.lastError })));
  const title = [
    connection === "reconnecting" ? "The collector is unreachable; retrying automatically." : "",
    reconnects > 0 ? `Reconnected ${reconnects} time${reconnects > 1 ? "s" : ""}.` : "",
    lastError ? `Last error: ${lastError.message}` : "",
  ]
    .filter(Boolean)
    .join(" ");
  return (
    <span className={`badge ${connection}`} data-testid="connection-state" data-state={connection} role="status" aria-live="polite" title={title || undefined}>
      {TEXT[connection]}
      {!compact && reconnects > 0 && connection === "connected" && <span className="note">({reconnects}× reconnected)</span>}
    </span>
  );
}
