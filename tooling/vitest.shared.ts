import { availableParallelism } from "node:os";
import { basename, join } from "node:path";
import { defineConfig, type ViteUserConfig } from "vitest/config";

/** Condition under which workspace packages resolve to their TypeScript sources. */
export const SOURCE_CONDITION = "@driftscope/source";

/**
 * The vitest config every workspace extends: sources of sibling packages are
 * used directly (no build needed), and when the root test script asks for it
 * a JSON report is written so that `npm test` can print one closing tally.
 */
export function workspaceVitestConfig(dir: string, extra: ViteUserConfig = {}): ViteUserConfig {
  const reportDir = process.env.DRIFTSCOPE_TEST_REPORT_DIR;
  const reporters = reportDir
    ? ["default", ["json", { outputFile: join(reportDir, `${basename(dir)}.json`) }]]
    : ["default"];
  return defineConfig({
    ...extra,
    resolve: {
      conditions: [SOURCE_CONDITION, "module", "node", "import", "default"],
      ...extra.resolve,
    },
    // Not "import": vitest hands these to Node as --conditions, and under "import" a
    // CommonJS require("ws") (engine.io inside socket.io) would get ws's ESM wrapper.
    ssr: { resolve: { conditions: [SOURCE_CONDITION, "node", "default"] } },
    test: {
      root: dir,
      include: ["src/**/*.test.ts", "src/**/*.test.tsx", "test/**/*.test.ts"],
      reporters: reporters as never,
      // Two files at a time even on two cores (vitest's default there is one): most files
      // wait on sockets and timers, so a lone worker leaves the machine idle.
      maxWorkers: Math.max(2, availableParallelism() - 1),
      testTimeout: 30_000,
      hookTimeout: 30_000,
      ...extra.test,
    },
  });
}
