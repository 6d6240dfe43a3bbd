import { expect, test, type Page } from "@playwright/test";
import { DashboardPage } from "../fixtures/DashboardPage.js";
import { type Collector, type ProcessHandle, startAgent, startCollector, waitFor } from "../fixtures/stack.js";

// Validated controls (issue 19.1) against the real stack: bad numbers typed into the boxes
// are refused in place with the reason and the range, and nothing reaches the collector;
// settings that keep the cluster from converging ask once and show in the header while in force.
const SHOTS = process.env.DRIFTSCOPE_SCREENSHOT_DIR ?? "/tmp";
const REPLICAS = 8;

interface Config {
  version: number;
  gossip: { intervalMs: number; fanout: number };
  network: { latencyMs: number; jitterMs: number; lossRate: number; partitions: string[][] };
}

let collector: Collector;
let agent: ProcessHandle;
let page: Page;
let dashboard: DashboardPage;

const config = async (): Promise<Config> => (await (await fetch(`${collector.url}/api/v1/config`)).json()) as Config;

/** What the collector answers when the same value is PUT directly. */
async function collectorRefusal(patch: object): Promise<{ status: number; reason: string | undefined }> {
  const res = await fetch(`${collector.url}/api/v1/config`, { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify(patch) });
  const body = (await res.json()) as { issues?: { reason: string }[] };
  return { status: res.status, reason: body.issues?.[0]?.reason };
}

test.describe.configure({ mode: "serial" });

test.beforeAll(async ({ browser }) => {
  collector = await startCollector();
  agent = startAgent(collector.url, REPLICAS, ["--interval-ms", "1000", "--fanout", "2", "--updates-per-sec", "1", "--seed", "3"]);
  await waitFor(`${REPLICAS} replicas at the collector`, async () => {
    const snapshot = (await (await fetch(`${collector.url}/api/v1/cluster`)).json()) as { replicas: unknown[] };
    return snapshot.replicas.length === REPLICAS ? true : undefined;
  });
  page = await browser.newPage({ viewport: { width: 1440, height: 960 } });
  page.on("pageerror", (error) => console.error("page error:", error));
  dashboard = new DashboardPage(page);
  await dashboard.open(collector.url);
  await expect(dashboard.kpi("replicas")).toHaveText(`${REPLICAS}/${REPLICAS}`, { timeout: 15_000 });
});

test.afterAll(async () => {
  await agent?.stop();
  await collector?.stop();
});

const BAD = [
  { box: "interval", typed: "-5", patch: { gossip: { intervalMs: -5 } }, words: "Sync interval takes a whole number from 10 to 60000 ms; -5 ms is too small" },
  { box: "fanout", typed: "abc", patch: { gossip: { fanout: "abc" } }, words: 'Fanout takes a whole number from 1 to 64 peers; "abc" is not a number' },
  { box: "fanout", typed: "", patch: { gossip: { fanout: "" } }, words: "Fanout takes a whole number from 1 to 64 peers; nothing was given" },
  { box: "loss", typed: "150", patch: { network: { lossRate: 1.5 } }, words: "Message loss takes a number from 0 to 100 %; 150 % is too large" },
  { box: "latency", typed: "1e9", patch: { network: { latencyMs: 1e9 } }, words: "Latency takes a number from 0 to 60000 ms; 1000000000 ms is too large" },
] as const;

test("1. -5, abc, empty, 150 % and 1e9 are refused in place with the range, never sent; the collector refuses them with the same words", async () => {
  const before = await config();
  for (const bad of BAD) {
    const input = page.getByTestId(`${bad.box}-input`);
    const shownBefore = await input.inputValue();
    await input.fill(bad.typed);
    await input.press("Enter");
    const error = page.getByTestId(`${bad.box}-error`);
    await expect(error, `${bad.box} ← "${bad.typed}"`).toContainText(bad.words);
    await expect(error).toContainText("not sent");
    await expect(input).toHaveAttribute("aria-invalid", "true");
    // Nothing pending or sent for this field.
    await expect(page.getByTestId(`${bad.box}-status`)).toHaveCount(0);
    // The collector refuses the same value with the same words.
    const refusal = await collectorRefusal(bad.patch);
    expect(refusal).toEqual({ status: 400, reason: bad.words });
    // Escape brings back the value in force.
    await input.press("Escape");
    await expect(error).toHaveCount(0);
    await expect(input).toHaveValue(shownBefore);
  }
  await page.waitForTimeout(1_000); // a debounced send would have gone out by now
  const after = await config();
  expect(after.version, "no config change reached the collector").toBe(before.version);
  expect(after).toEqual(before);
});

test("2. a refused box leaves the previous value in force; a good value after it is sent and acknowledged", async () => {
  const input = page.getByTestId("interval-input");
  await input.fill("-5");
  await input.press("Enter");
  await expect(page.getByTestId("interval-error")).toBeVisible();
  await page.getByTestId("section-gossip").screenshot({ path: `${SHOTS}/driftscope-controls-refused.png` });
  expect((await config()).gossip.intervalMs).toBe(1000);
  await input.fill("500");
  await input.press("Enter");
  await expect(page.getByTestId("interval-error")).toHaveCount(0);
  await expect.poll(async () => (await config()).gossip.intervalMs).toBe(500);
  await expect(page.getByTestId("interval-status")).toHaveText(new RegExp(`✓ ${REPLICAS}/${REPLICAS}`), { timeout: 15_000 });
});

test("3. 100 % loss asks once; Cancel keeps the config; confirmed, the header warns while it is in force", async () => {
  const before = await config();
  await expect(page.getByTestId("convergence-warning")).toHaveCount(0);
  await dashboard.setField("loss", 100);
  const dialog = page.getByTestId("risk-dialog");
  await expect(dialog).toContainText("100 % message loss: no message arrives, so replicas cannot converge");
  await page.screenshot({ path: `${SHOTS}/driftscope-controls-confirm.png` });
  await page.waitForTimeout(500);
  expect((await config()).version, "nothing is sent while the question is open").toBe(before.version);
  await page.getByTestId("risk-cancel").click();
  await expect(dialog).toHaveCount(0);
  await expect(page.getByTestId("loss-input")).toHaveValue("0");
  expect(await config()).toEqual(before);

  await dashboard.setField("loss", 100);
  await page.getByTestId("risk-confirm").click();
  await expect.poll(async () => (await config()).network.lossRate).toBe(1);
  const warning = page.getByTestId("convergence-warning");
  await expect(warning).toHaveText("Cannot converge: 100 % loss");
  await expect(warning).toHaveAttribute("title", /no message arrives/);
  await page.screenshot({ path: `${SHOTS}/driftscope-controls-risk.png` });
  await dashboard.header().screenshot({ path: `${SHOTS}/driftscope-header-risk.png` });

  // Asked once: another change while the loss holds goes out without a question.
  await dashboard.setField("jitter", 5);
  await expect.poll(async () => (await config()).network.jitterMs).toBe(5);
  await expect(dialog).toHaveCount(0);
  await expect(warning).toBeVisible();

  await dashboard.setField("loss", 0);
  await expect.poll(async () => (await config()).network.lossRate).toBe(0);
  await expect(warning).toHaveCount(0);
});

test("4. a partition asks before it is sent and shows in the header until healed", async () => {
  await page.getByTestId("partition-k").fill("2");
  await page.getByTestId("partition-split").click();
  await expect(page.getByTestId("risk-dialog")).toContainText("a partition into 2 groups with no heal");
  expect((await config()).network.partitions).toEqual([]);
  await page.getByTestId("risk-confirm").click();
  await expect.poll(async () => (await config()).network.partitions.length).toBe(2);
  await expect(page.getByTestId("convergence-warning")).toHaveText("Cannot converge: partition (2 groups)");
  await page.getByTestId("partition-heal").click();
  await expect.poll(async () => (await config()).network.partitions.length).toBe(0);
  await expect(page.getByTestId("convergence-warning")).toHaveCount(0);
});
