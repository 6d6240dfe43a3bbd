import { workspaceVitestConfig } from "../../tooling/vitest.shared.ts";

// One file at a time: after another file in the same worker (two at a time, or alone after
// the rest), collector.integration's replica restarted without its state failed to converge
// within 30 s in 5 runs of 9; one at a time it passes. Cause not found yet.
export default workspaceVitestConfig(import.meta.dirname, { test: { maxWorkers: 1 } });
