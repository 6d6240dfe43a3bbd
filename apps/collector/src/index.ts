// Public face of @driftscope/collector: start a collector in-process (tests, embedding).
export { createCollector, defaultDbPath, type Collector, type CollectorOptions } from "./server.js";
export { CollectorCore } from "./CollectorCore.js";
export { MetricsEngine, type MetricsEngineOptions } from "./metrics/MetricsEngine.js";
export type { EngineFrame, ConvergenceSample as EngineSample } from "./metrics/types.js";
export { COLLECTOR_VERSION } from "./version.js";
