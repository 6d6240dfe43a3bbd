import { expect, test } from "@playwright/test";
import { DashboardPage } from "../fixtures/DashboardPage.js";
import { startHttpNode } from "../fixtures/httpNode.js";
import { type Collector, startCollector, waitFor } from "../fixtures/stack.js";

// Config sections per replica (issue 18), against the real collector: nodes that report over
// HTTP like a Yjs or Erlang node — "docs" applies the gossip section only, "erl" applies
// nothing and runs its own gossip (500 ms, fanout 1, push). No live replica applies the
// workload or network sections, so those controls are disabled with the reason, and a fault
// set through the API is never shown as in force.
const SHOTS = process.env.DRIFTSCOPE_SCREENSHOT_DIR ?? "/tmp";

let collector: Collector;
let nodes: { stop(): Promise<void> }[] = [];

test.beforeAll(async () => {
  collector = await startCollector();
  nodes = [
    await startHttpNode(collector.url, { agentId: "docs", replicas: ["d0", "d1", "d2"], capabilities: ["gossip"] }),
    await startHttpNode(collector.url, { agentId: "erl", replicas: ["e0", "e1"], gossip: { intervalMs: 500, fanout: 1, mode: "push" } }),
  ];
  await waitFor("5 replicas at the collector", async () => {
    const snapshot = (await (await fetch(`${collector.url}/api/v1/cluster`)).json()) as { replicas: unknown[] };
    return snapshot.replicas.length === 5 ? true : undefined;
  });
});

test.afterAll(async () => {
  for (const n of nodes) await n.stop();
  await collector?.stop();
});

async function putConfig(patch: object): Promise<void> {
  const res = await fetch(`${collector.url}/api/v1/config`, { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify(patch) });
  expect(res.status, await res.clone().text()).toBe(200);
}

test("controls no live replica can apply are disabled with the reason; per-replica gossip and sections are shown; a fault nobody applies is never in force", async ({ page }) => {
  page.on("pageerror", (error) => console.error("page error:", error));
  const dashboard = new DashboardPage(page);
  await dashboard.open(collector.url);
  await expect(dashboard.kpi("replicas")).toHaveText("5/5", { timeout: 10_000 });

  // Who applies what, per section.
  await expect(page.getByTestId("section-gossip-coverage")).toHaveText("applied by 3 of 5 live replicas (not e0, e1)");
  await expect(page.getByTestId("section-workload-coverage")).toHaveText("applied by none of 5 live replicas");
  await expect(page.getByTestId("section-network-coverage")).toHaveText("applied by none of 5 live replicas");
  // Gossip is applied somewhere: its controls stay enabled.
  await expect(page.getByTestId("interval-slider")).toBeEnabled();
  // Workload and network are applied nowhere: disabled, with the reason.
  await expect(page.getByTestId("updates-slider")).toBeDisabled();
  for (const id of ["latency-slider", "loss-input", "partition-split", "cut-add"]) await expect(page.getByTestId(id)).toBeDisabled();
  await expect(page.getByTestId("faults-disabled")).toHaveAttribute("title", /No live replica applies the network section .* A change here would be in force nowhere\./);
  await page.locator("aside.sidebar").screenshot({ path: `${SHOTS}/driftscope-sections-sidebar.png` });
  await page.getByTestId("section-faults").scrollIntoViewIfNeeded();
  await page.getByTestId("faults-disabled").hover({ position: { x: 30, y: 8 } });
  const why = page.getByTestId("faults-disabled-why");
  await expect(why).toBeVisible();
  await expect(why).toContainText("their nodes do not simulate faults");
  // The disabled fault controls with their tooltip, and the network section above them.
  const box = (await page.getByTestId("section-network").boundingBox())!;
  const tip = (await why.boundingBox())!;
  const top = Math.min(box.y, tip.y) - 8;
  await page.screenshot({ path: `${SHOTS}/driftscope-sections-fault-tooltip.png`, clip: { x: 0, y: top, width: 620, height: Math.min(960 - top, 520) } });

  // The node running its own gossip, where it differs from the cluster config.
  await expect(page.getByTestId("own-gossip")).toContainText("500 ms · f1 · push");
  await expect(page.getByTestId("own-gossip")).toContainText("e0, e1");
  await expect(page.getByTestId("replica-gossip-e0")).toHaveText("500 ms · f1 · push");
  await expect(page.getByTestId("replica-gossip-d0")).toHaveCount(0);
  await expect(page.getByTestId("replica-applies-d0")).toHaveText("G – –");
  await expect(page.getByTestId("replica-applies-e0")).toHaveText("– – –");
  await expect(page.getByTestId("crash-d0")).toBeDisabled();
  await expect(page.getByTestId("crash-d0")).toHaveAttribute("title", /does not apply the network section/);
  await page.getByTestId("chart-replicas").screenshot({ path: `${SHOTS}/driftscope-sections-replicas.png` });

  // A partition and a crash set through the API are configured, yet in force nowhere: never shown as such.
  await putConfig({ network: { partitions: [["d0", "d1"], ["d2", "e0", "e1"]], crashed: ["d0"] } });
  await expect(page.getByTestId("partition-not-in-force")).toContainText("configured but in force nowhere");
  await expect(page.getByTestId("chart-topology")).toContainText("a partition is configured but in force nowhere");
  await expect(page.getByTestId("crash-d0")).toHaveText("Clear");
  await expect(page.getByTestId("replica-row-d0")).toContainText("live");
  await page.locator("aside.sidebar").screenshot({ path: `${SHOTS}/driftscope-sections-not-in-force.png` });
  // Clearing what is not in force stays possible.
  await page.getByTestId("partition-heal").click();
  await expect(page.getByTestId("partition-not-in-force")).toHaveCount(0);
  await page.getByTestId("crash-d0").click();
  await expect(page.getByTestId("crash-d0")).toHaveText("Crash");
  const config = (await (await fetch(`${collector.url}/api/v1/config`)).json()) as { network: { partitions: unknown[]; crashed: unknown[] } };
  expect(config.network).toMatchObject({ partitions: [], crashed: [] });
});
