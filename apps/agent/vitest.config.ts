import { configDefaults } from "vitest/config";
import { workspaceVitestConfig } from "../../tooling/vitest.shared.ts";

// Files that judge timing against a real collector run alone, after the rest (two workers on
// two cores): beside another file the live p50 no longer matches the simulator's within
// 15 %, and a replica restarted without its state was once not seen converging within 30 s.
const ALONE = ["test/liveExperiment.integration.test.ts", "test/collector.integration.test.ts"];
const dir = import.meta.dirname;

export default workspaceVitestConfig(dir, {
  test: {
    projects: [
      workspaceVitestConfig(dir, { test: { name: "agent", exclude: [...configDefaults.exclude, ...ALONE], sequence: { groupOrder: 0 } } }),
      workspaceVitestConfig(dir, { test: { name: "agent (alone)", include: ALONE, sequence: { groupOrder: 1 }, maxWorkers: 1 } }),
    ],
  },
});
