import { configDefaults } from "vitest/config";
import { workspaceVitestConfig } from "../../tooling/vitest.shared.ts";

// Files that judge timing run alone, after the rest (two workers on two cores): those that
// bound the event-loop stall a probe sees (100 ms; the hostile-input tests, dashboard
// backpressure) and CL-CF1, which waits for every replica's acknowledgement; beside another
// file they went over.
const ALONE = ["src/hostile*.test.ts", "src/dashboardBackpressure.test.ts", "src/server.test.ts"];
const dir = import.meta.dirname;

export default workspaceVitestConfig(dir, {
  test: {
    projects: [
      workspaceVitestConfig(dir, { test: { name: "collector", exclude: [...configDefaults.exclude, ...ALONE], sequence: { groupOrder: 0 } } }),
      workspaceVitestConfig(dir, { test: { name: "collector (alone)", include: ALONE, sequence: { groupOrder: 1 }, maxWorkers: 1 } }),
    ],
  },
});
