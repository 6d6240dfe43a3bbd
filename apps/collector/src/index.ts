// Public face of @driftscope/collector: start a collector in-process (tests, embedding).
export { createCollector, defaultDbPath, type Collector, type CollectorOptions } from "./server.js";
export { CollectorCore } from "./CollectorCore.js";
export { MetricsEngine, type MetricsEngineOptions } from "./metrics/MetricsEngine.js";
export { ReportScanner } from "./ingest/reportScan.js";
export { VisibilityCurve, type VisibilityFigures } from "./metrics/visibilityCurve.js";
export type { EngineFrame, ConvergenceSample as EngineSample } from "./metrics/types.js";
export { COLLECTOR_VERSION } from "./version.js";
export { ALLOCATOR_ENV, withAllocatorEnv } from "./allocatorEnv.js";
// Pure parts a virtual-time simulation drives the same way as the live collector (bench/tuner).
export { TunerController, type TunerOptions } from "./tuner/TunerController.js";
export type { CannotMeetWhy, TunerChange, TunerDecision, TunerFigures, TunerRange, TunerTarget } from "./tuner/types.js";
export { SlidingWindow } from "./metrics/quantiles.js";
export { censoredFromSorted } from "./metrics/censored.js";
