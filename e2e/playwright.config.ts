import { join } from "node:path";
import { defineConfig } from "@playwright/test";

const reportDir = process.env.DRIFTSCOPE_TEST_REPORT_DIR;

/**
 * Browser tests against the real stack. Each spec starts its own collector and agent
 * processes on 127.0.0.1 (see fixtures/stack.ts); Chromium comes from CHROMIUM_PATH or
 * Debian's /usr/bin/chromium (npm test finds or installs it).
 */
export default defineConfig({
  testDir: "tests",
  timeout: 90_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1,
  retries: process.env.CI ? 1 : 0,
  reporter: reportDir ? [["list"], ["json", { outputFile: join(reportDir, "e2e.json") }]] : [["list"]],
  use: {
    viewport: { width: 1440, height: 960 },
    trace: "off",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking"],
    },
  },
});
