import { expect, test } from "@playwright/test";
import { DashboardPage } from "../fixtures/DashboardPage.js";
import { type Collector, type ProcessHandle, startAgent, startCollector, waitFor } from "../fixtures/stack.js";

// Issue 16, point 8: "change, then start a run" is one action on the Runs page — the config
// typed next to "Start new run" is applied between the old run's end and the new run's
// start, so it is recorded in the new run only.
const SHOTS = process.env.DRIFTSCOPE_SCREENSHOT_DIR ?? "/tmp";

interface RunRow {
  id: string;
  endedAtMs: number | null;
}
interface RunDetail {
  configs: Array<{ config: { version: number; gossip: { intervalMs: number; fanout: number } } }>;
}

let collector: Collector;
let agent: ProcessHandle;

async function api<T>(path: string): Promise<T> {
  const response = await fetch(`${collector.url}${path}`);
  if (!response.ok) throw new Error(`GET ${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

test.beforeAll(async () => {
  collector = await startCollector();
  agent = startAgent(collector.url, 6, ["--interval-ms", "1000", "--fanout", "2", "--updates-per-sec", "2", "--seed", "3"]);
});

test.afterAll(async () => {
  await agent?.stop();
  await collector?.stop();
});

test("a run started with a config records that change in the new run only; a bad value is refused next to its field", async ({ page }) => {
  page.on("pageerror", (error) => console.error("page error:", error));
  const dashboard = new DashboardPage(page);
  await dashboard.open(collector.url);
  await expect(dashboard.kpi("replicas")).toHaveText("6/6", { timeout: 15_000 });
  const before = (await api<{ runs: RunRow[] }>("/api/v1/runs")).runs.find((r) => r.endedAtMs === null)!;
  await page.getByTestId("tab-runs").click();

  // A value the collector would refuse is refused here, next to its field, and nothing is sent.
  await page.getByTestId("run-start-fanout").fill("0");
  await expect(page.getByTestId("run-start-issues")).toContainText("fanout");
  await expect(page.getByTestId("run-start")).toBeDisabled();

  await page.getByTestId("run-start-fanout").fill("");
  await page.getByTestId("run-start-intervalMs").fill("200");
  await page.getByTestId("run-name").fill("interval 200 ms");
  await expect(page.getByTestId("run-start")).toHaveAttribute("title", /with interval 200 ms: the change belongs to the new run only/);
  await page.getByTestId("run-start").click();

  const after = await waitFor("the new run", async () => {
    const runs = (await api<{ runs: RunRow[] }>("/api/v1/runs")).runs;
    const current = runs.find((r) => r.endedAtMs === null && r.id !== before.id);
    return current === undefined ? undefined : { current, earlier: runs.find((r) => r.id === before.id)! };
  });
  // The earlier run ends on the old config, with no change in it; the new one starts on the new config.
  expect(after.earlier.endedAtMs).not.toBeNull();
  const earlier = await api<RunDetail>(`/api/v1/runs/${before.id}`);
  // (It may hold the launcher's own start-up change; never the new interval.)
  expect(earlier.configs.every((c) => c.config.gossip.intervalMs === 1000)).toBe(true);
  const current = await api<RunDetail>(`/api/v1/runs/${after.current.id}`);
  expect(current.configs.map((c) => c.config.gossip.intervalMs)).toEqual([200]);
  console.log(`run ${before.id}: configs ${earlier.configs.map((c) => c.config.gossip.intervalMs).join(", ")} ms; run ${after.current.id}: configs ${current.configs.map((c) => c.config.gossip.intervalMs).join(", ")} ms`);

  // The page shows it too: the new run's row says 200 ms without "(+n)", and every replica runs it.
  await page.getByTestId("runs-refresh").click();
  const table = page.getByTestId("runs-table");
  await expect(table.locator("tr", { hasText: "interval 200 ms" })).toContainText("200 ms");
  await expect(table.locator("tr", { hasText: "interval 200 ms" })).not.toContainText("(+");
  await expect(page.getByTestId("run-start-intervalMs")).toHaveValue("");
  await page.screenshot({ path: `${SHOTS}/driftscope-run-start.png` });
  await page.getByTestId("tab-live").click();
  await dashboard.expectAllAcked(6);
});
