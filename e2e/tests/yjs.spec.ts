import { spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, test } from "@playwright/test";
import { DashboardPage } from "../fixtures/DashboardPage.js";
import { type Collector, startCollector, waitFor } from "../fixtures/stack.js";

// The Yjs demo (issue 18), as `DRIFTSCOPE_DEMO=yjs npm start` runs it: integrations/yjs's
// example node, 4 Yjs replicas syncing over y-protocols, observed by the real collector. Its
// node applies the gossip and workload sections, not the network one: the fault controls
// are disabled with the reason.
const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const SHOTS = process.env.DRIFTSCOPE_SCREENSHOT_DIR ?? "/tmp";

let collector: Collector;
let stopDemo: (() => void) | undefined;

test.beforeAll(async () => {
  collector = await startCollector();
  const demo = spawn(process.execPath, ["--import", "tsx", "--conditions=@driftscope/source", "examples/node.ts", collector.url], { cwd: join(ROOT, "integrations/yjs"), stdio: ["ignore", "pipe", "pipe"] });
  let log = "";
  demo.stdout.on("data", (c: Buffer) => (log += c.toString()));
  demo.stderr.on("data", (c: Buffer) => (log += c.toString()));
  stopDemo = () => demo.kill("SIGTERM");
  await waitFor(`4 Yjs replicas at the collector (demo output: ${log.slice(-500)})`, async () => {
    const snapshot = (await (await fetch(`${collector.url}/api/v1/cluster`)).json()) as { replicas: Array<{ crdtType: string }> };
    return snapshot.replicas.length === 4 ? true : undefined;
  });
});

test.afterAll(async () => {
  stopDemo?.();
  await collector?.stop();
});

test("the Yjs demo's replicas are live in the dashboard; fault controls no replica applies are disabled with the reason", async ({ page }) => {
  page.on("pageerror", (error) => console.error("page error:", error));
  const dashboard = new DashboardPage(page);
  await dashboard.open(collector.url);
  await expect(dashboard.kpi("replicas")).toHaveText("4/4", { timeout: 15_000 });
  await expect(page.getByTestId("section-network-coverage")).toHaveText("applied by none of 4 live replicas");
  for (const id of ["latency-slider", "loss-input", "partition-split"]) await expect(page.getByTestId(id)).toBeDisabled();
  await expect(page.getByTestId("faults-disabled")).toHaveAttribute("title", /No live replica applies the network section/);
  await expect(page.getByTestId("interval-slider")).toBeEnabled(); // the demo applies the gossip section
  // Its convergence samples arrive: the Yjs updates spread through y-protocols.
  await waitFor("convergence samples from the Yjs replicas", async () => {
    const s = (await (await fetch(`${collector.url}/api/v1/cluster`)).json()) as { samples: unknown[] };
    return s.samples.length > 0 ? true : undefined;
  });
  await page.screenshot({ path: `${SHOTS}/driftscope-yjs-demo.png` });
});
