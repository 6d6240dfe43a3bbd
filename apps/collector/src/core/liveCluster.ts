// The connected cluster as the experiments' live engine sees it: it changes the config the
// ordinary way (versioned, recorded, acknowledged), watches frames, and reads totals.
import type { CollectorCore } from "../CollectorCore.js";
import type { LiveCluster } from "../experiments/liveEngine.js";

export function liveClusterOf(core: CollectorCore): LiveCluster {
  return {
    config: () => core.config,
    changeConfig: (patch, source) => core.changeConfig(patch, Date.now(), source),
    onFrame: (listener) => core.onFrame(listener),
    totals: () => ({ ...core.engine.sentTotals(), deliveries: core.engine.deliveredTotal }),
    inFlightAges: (fromMs) => core.engine.inFlightAges(Date.now(), fromMs),
    visibility: (fromMs) => core.engine.visibility(Date.now(), fromMs).points.map(([age, share]): [number, number] => [age, share]),
  };
}
