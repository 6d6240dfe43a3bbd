import type { GossipMode } from "./theory/meanField.js";
import type { PayloadKind } from "./wire/message.js";

/** The gossip settings that can change live (applied at each replica's next tick). */
export interface GossipConfig {
  /** Time between two anti-entropy rounds of a replica, ms (> 0). */
  intervalMs: number;
  /** Peers contacted per round (integer ≥ 1; capped by the view size). */
  fanout: number;
  mode: GossipMode;
  payload: PayloadKind;
}

/** Defaults: one round per second, three peers, push-pull of acknowledged deltas. */
export const DEFAULT_GOSSIP_CONFIG: Readonly<GossipConfig> = Object.freeze({
  intervalMs: 1000,
  fanout: 3,
  mode: "push-pull",
  payload: "delta",
});

const MODES: readonly GossipMode[] = ["push", "pull", "push-pull"];
const PAYLOADS: readonly PayloadKind[] = ["full", "delta", "digest"];

/** `base` with `change` applied, validated; throws RangeError on a bad value (and changes nothing). */
export function withConfig(base: Readonly<GossipConfig>, change: Partial<GossipConfig>): GossipConfig {
  const next: GossipConfig = {
    intervalMs: change.intervalMs ?? base.intervalMs,
    fanout: change.fanout ?? base.fanout,
    mode: change.mode ?? base.mode,
    payload: change.payload ?? base.payload,
  };
  if (!(next.intervalMs > 0) || !Number.isFinite(next.intervalMs)) throw new RangeError(`intervalMs must be a finite number > 0, got ${next.intervalMs}`);
  if (!Number.isInteger(next.fanout) || next.fanout < 1) throw new RangeError(`fanout must be an integer >= 1, got ${next.fanout}`);
  if (!MODES.includes(next.mode)) throw new RangeError(`mode must be one of ${MODES.join(", ")}, got ${String(next.mode)}`);
  if (!PAYLOADS.includes(next.payload)) throw new RangeError(`payload must be one of ${PAYLOADS.join(", ")}, got ${String(next.payload)}`);
  return next;
}
