import { workspaceVitestConfig } from "../../tooling/vitest.shared.ts";

// One file at a time: the hostile-input tests bound the event-loop stall a probe sees
// (100 ms), and a second worker on two cores stretches it past that.
export default workspaceVitestConfig(import.meta.dirname, { test: { maxWorkers: 1 } });
