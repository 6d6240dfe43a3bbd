import { writeFileSync } from "node:fs";
import { expect, test, type Page } from "@playwright/test";
import { DashboardPage } from "../fixtures/DashboardPage.js";
import { ExperimentsPage } from "../fixtures/ExperimentsPage.js";
import { type Collector, type ProcessHandle, startAgent, startCollector, waitFor } from "../fixtures/stack.js";

// The Experiments tab against the real stack (issue 16): a collector, and a launcher of 5
// live replicas to apply the recommendation to. The sweeps here are simulated (virtual
// time, in the collector's simulator process): 5 replicas, intervals 10, 100 and 1000 ms;
// experimentsLive.spec.ts runs a live one on the demo cluster.
// The tests run in order, as a person would: write the plan, watch it, read and export the
// charts, apply the recommendation, compare and delete.
const REPLICAS = 5;
const SHOTS = process.env.DRIFTSCOPE_SCREENSHOT_DIR ?? "/tmp";

let collector: Collector;
let agent: ProcessHandle;
let page: Page;
let tab: ExperimentsPage;
let first = "";

async function api<T>(path: string): Promise<T> {
  const response = await fetch(`${collector.url}${path}`);
  if (!response.ok) throw new Error(`GET ${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

/**
 * Fills the plan form: a simulated sweep of the sync interval on 5 replicas at 10 updates/s.
 * The 10 ms point costs the simulator the most (100× the messages of 1 s), so it comes last:
 * the first two finish quickly and the progress shows "point 3 of 3" with an ETA meanwhile.
 */
async function writeSweep(name: string, fanout: number, durationS: number): Promise<void> {
  await tab.type("plan-name", name);
  await tab.engine("simulated");
  await tab.type("plan-replicas", String(REPLICAS));
  await page.getByTestId("plan-crdt").selectOption("gcounter");
  await tab.use("intervalMs", "swept");
  await page.getByTestId("plan-interval-as-list").click();
  await tab.type("plan-intervalMs-values", "1000, 100, 10");
  await tab.use("updatesPerSecPerReplica", "fixed", "10");
  await tab.use("fanout", "fixed", String(fanout));
  await tab.use("mode", "fixed", "push");
  await tab.use("payload", "fixed", "full");
  await tab.use("lossRate", "cluster");
  await tab.use("latencyMs", "fixed", "2");
  await tab.use("jitterMs", "cluster");
  await tab.type("plan-warmup", "2");
  await page.getByTestId("plan-stop-duration").click();
  await tab.type("plan-duration", String(durationS));
  await tab.type("plan-repetitions", "1");
  await tab.type("plan-seed", "1");
}

test.describe.configure({ mode: "serial" });

test.beforeAll(async ({ browser }) => {
  collector = await startCollector();
  agent = startAgent(collector.url, REPLICAS, ["--interval-ms", "1000", "--fanout", "2", "--updates-per-sec", "2", "--seed", "5"]);
  await waitFor(`${REPLICAS} replicas at the collector\n${agent.output()}`, async () => {
    const snapshot = await api<{ replicas: unknown[] }>("/api/v1/cluster");
    return snapshot.replicas.length === REPLICAS ? true : undefined;
  });
  page = await browser.newPage({ acceptDownloads: true });
  page.on("pageerror", (error) => console.error("page error:", error));
  page.on("dialog", (dialog) => void dialog.accept());
  const dashboard = new DashboardPage(page);
  await dashboard.open(collector.url);
  await expect(dashboard.kpi("replicas")).toHaveText(`${REPLICAS}/${REPLICAS}`, { timeout: 10_000 });
  tab = new ExperimentsPage(page);
  await tab.open();
});

test.afterAll(async () => {
  await agent?.stop();
  await collector?.stop();
});

test("1. a plan the collector refuses shows its reasons next to their fields; a live plan can be cancelled at any moment and the config before it comes back", async () => {
  await writeSweep("refused plan", 4, 30);
  await tab.type("plan-replicas", "1");
  await expect(tab.estimate()).toHaveAttribute("data-ok", "false");
  await expect(tab.estimate()).toContainText("cluster.replicas");
  await tab.start();
  await expect(tab.issue("cluster.replicas")).toBeVisible();
  await expect(tab.issue("cluster.replicas")).toContainText(/2/);
  await expect(page.getByTestId("plan-error")).toContainText(/cluster\.replicas/);
  // Editing the field takes its reason away.
  await tab.type("plan-replicas", "5");
  await expect(tab.issue("cluster.replicas")).toHaveCount(0);

  // A live sweep runs on the connected cluster (experimentsLive.spec.ts runs one to its end); cancelled, it restores the config.
  const before = await api<{ config: { gossip: { intervalMs: number; fanout: number } } }>("/api/v1/cluster");
  await tab.engine("live");
  await tab.start();
  const id = await tab.shownId();
  await expect(tab.status(id)).toHaveText("running");
  await page.getByTestId(`exp-cancel-${id}`).click();
  await expect(tab.status(id)).not.toHaveText("running", { timeout: 15_000 });
  await expect.poll(async () => (await api<{ config: { gossip: { intervalMs: number; fanout: number } } }>("/api/v1/cluster")).config.gossip).toMatchObject(before.config.gossip);
  await tab.engine("simulated");
});

test("2. a 3-point simulated sweep: the estimate before starting, progress while it runs, three charts of 3 points and the table", async () => {
  // 5 simulated minutes per point: the 10 ms point then takes the simulator a few seconds of wall time.
  await writeSweep("e2e: sync period vs cost", 4, 300);
  // 3 points × (2 s warm-up + 300 s), in simulated time.
  await expect(tab.estimate()).toHaveAttribute("data-points", "3");
  await expect(tab.estimate()).toHaveAttribute("data-total-ms", String(3 * 302_000));
  await expect(tab.estimate()).toContainText("3 points × 5 min 2 s = 15 min 6 s of simulated time");
  const before = /\/experiments\/(exp-\d+)$/.exec(page.url())?.[1] ?? "";
  await tab.start();
  first = await tab.shownId(before);
  const seen = await tab.watchToTheEnd(first);
  console.log(`progress of ${first}: ${seen.join(" | ")}`);
  expect(seen[0]).toMatch(/^measuring point 1 of 3 \(0 done\) · ETA: after the first point$/);
  // Polled while it ran: a later point with an estimate of the time left.
  expect(seen.some((t) => /^measuring point [23] of 3 \([12] done\) · ETA \d/.test(t)), seen.join(" | ")).toBe(true);
  await expect(tab.status(first)).toHaveText("done");
  await expect(tab.points(first)).toHaveText("3 of 3 points measured");
  await expect(page.getByTestId(`exp-item-${first}`)).toContainText("3/3");

  await expect(tab.measuredMarks("convergence-interval")).toHaveCount(3);
  await expect(tab.measuredMarks("cost-interval", "bytes")).toHaveCount(3);
  await expect(tab.measuredMarks("cost-interval", "messages")).toHaveCount(3);
  await expect(tab.measuredMarks("convergence-cost")).toHaveCount(3);
  for (let i = 0; i < 3; i++) await expect(page.getByTestId(`exp-row-${first}-${i}`)).toBeVisible();
  // Each point of the trade-off chart names its config.
  await expect(tab.chart("convergence-cost").locator(".mark-labels text")).toHaveText(["1 s", "100 ms", "10 ms"]);
  // Hovering a point names its config and figures.
  const mark = tab.measuredMarks("convergence-interval").nth(1);
  await mark.hover();
  await expect(page.getByTestId("xy-tooltip")).toContainText("interval 100 ms, fanout 4, push");
  await page.mouse.move(0, 0);
  await tab.screenshotAll(`${SHOTS}/driftscope-experiments-tab.png`);
});

test("3. the convergence-vs-interval chart exports as SVG (axes, units, legend, the plan in its caption), PNG and CSV (one row per point)", async () => {
  const svg = await tab.download("export-exp-convergence-interval-svg");
  expect(svg.name).toMatch(new RegExp(`^driftscope-experiment-convergence-vs-interval-${first}-\\d{4}-\\d\\d-\\d\\dT\\d{4}\\.svg$`));
  writeFileSync(`${SHOTS}/driftscope-experiment-convergence-vs-interval.svg`, svg.bytes);
  const facts = await tab.svgFacts(svg.bytes.toString("utf8"));
  expect(facts.parseError).toBe(0);
  expect(facts.measured).toBe(3);
  const texts = facts.texts.join(" "); // wrapped caption lines read as one
  for (const axis of ["Sync interval (ms, log scale)", "Convergence time (log scale)"]) expect(facts.texts).toContain(axis);
  for (const tick of ["10 ms", "100 ms", "1 s"]) expect(facts.texts).toContain(tick);
  for (const legend of ["10 upd/s: p50", "10 upd/s: p50–p95 band", "expected (asynchronous model)", "E·T (synchronous rounds)", "convergence = update period (1 / updates/s per replica)"]) {
    expect(facts.texts).toContain(legend);
  }
  expect(texts).toContain(`${first} “e2e: sync period vs cost”: simulated, 5 × gcounter; swept intervalMs 1000/100/10; fixed updatesPerSecPerReplica 10, fanout 4, mode push, payload full, latencyMs 2`);
  expect(texts).toMatch(/band: p50 to p95 \(the collector gives p50, p95 and p99 per point, not p5\)/);

  const png = await tab.download("export-exp-convergence-interval-png");
  expect(png.name).toMatch(/\.png$/);
  expect(png.bytes.subarray(1, 4).toString("ascii")).toBe("PNG");
  expect(png.bytes.readUInt32BE(16)).toBe(1760); // 880 px at 2×
  writeFileSync(`${SHOTS}/driftscope-experiment-convergence-vs-interval.png`, png.bytes);

  const csv = await tab.download("export-exp-convergence-interval-csv");
  const lines = csv.bytes.toString("utf8").trim().split(/\r?\n/);
  expect(lines[0]).toBe("experiment,index,repetition,interval_ms,updates_per_sec_per_replica,fanout,mode,payload,loss_rate,latency_ms,p50_ms,p95_ms,p50_lower_bound,p95_lower_bound,sync_expected_ms,update_period_ms");
  const rows = lines.slice(1).map((l) => l.split(","));
  expect(rows).toHaveLength(3);
  expect(rows.map((r) => Number(r[3]))).toEqual([1000, 100, 10]); // by point index, in the plan's order
  // The same figures as the collector's own table.
  const experiment = await api<{ results: { index: number; convergence: { p50Ms: number } }[] }>(`/api/v1/experiments/${first}`);
  for (const r of rows) expect(Number(r[10])).toBe(experiment.results.find((p) => p.index === Number(r[1]))!.convergence.p50Ms);
});

test("4. the recommendation for a p95 target is applied in one click and every live replica acknowledges it", async () => {
  await page.getByTestId("rec-kind-ms").click();
  await tab.type("rec-value", "2000");
  await tab.type("rec-budget", "");
  await page.getByTestId("rec-ask").click();
  const answer = page.getByTestId("rec-answer-10");
  await expect(answer).toContainText("meets the target");
  await expect(answer).toContainText(/the cheapest of \d+ that meet the target/);
  await expect(tab.chart("convergence-cost").locator(".marks.recommended .mark")).toHaveCount(1);
  const before = await api<{ config: { version: number } }>("/api/v1/cluster");
  await page.getByTestId("rec-apply-10").click();
  const status = page.getByTestId("apply-status");
  await expect(status).toHaveAttribute("data-phase", /applied|acked/);
  await expect(status).toHaveAttribute("data-phase", "acked", { timeout: 20_000 });
  const chips = page.locator('[data-testid^="apply-replica-"]');
  await expect(chips).toHaveCount(REPLICAS);
  for (let i = 0; i < REPLICAS; i++) await expect(chips.nth(i)).toHaveAttribute("data-acked", "true");
  await expect(page.getByTestId("apply-acks")).toHaveText(new RegExp(`^✓ ${REPLICAS}/${REPLICAS} live replicas acknowledged v${before.config.version + 1}$`));
  // The live cluster runs the recommended point's gossip settings, as an ordinary config change labelled with the experiment.
  const recommendation = await api<{ met: boolean; point: { config: { intervalMs: number; fanout: number; mode: string; payload: string } } }>(
    `/api/v1/experiments/${first}/recommendation?p95Ms=2000&updatesPerSecPerReplica=10`,
  );
  const after = await api<{ config: { version: number; gossip: Record<string, unknown> }; events: { version?: number; detail?: string }[] }>("/api/v1/cluster");
  expect(after.config.version).toBe(before.config.version + 1);
  expect(recommendation.met).toBe(true);
  const { intervalMs, fanout, mode, payload } = recommendation.point.config;
  expect(after.config.gossip).toMatchObject({ intervalMs, fanout, mode, payload });
  expect(after.events.find((e) => e.version === after.config.version)?.detail).toMatch(new RegExp(`^by experiment ${first} \\(e2e: sync period vs cost\\), point \\d$`));
  await page.getByTestId("recommendation").screenshot({ path: `${SHOTS}/driftscope-experiments-recommendation.png` });
  await tab.screenshotAll(`${SHOTS}/driftscope-experiments-applied.png`);
});

test("5. a second experiment compares on the same charts, and deleting it takes it away", async () => {
  await writeSweep("e2e: fanout 1", 1, 60);
  await tab.start();
  const second = await tab.shownId(first);
  expect(second).not.toBe(first);
  await tab.watchToTheEnd(second);
  await expect(tab.status(second)).toHaveText("done");
  await page.getByTestId(`exp-open-${first}`).click();
  await page.getByTestId(`exp-compare-${second}`).check();
  await expect(tab.measuredMarks("convergence-interval")).toHaveCount(6);
  await expect(tab.measuredMarks("convergence-cost")).toHaveCount(6);
  await expect(tab.chart("convergence-interval").locator(".legend")).toContainText(`${second}: 10 upd/s: p50`);
  await expect(page.getByTestId(`exp-row-${second}-2`)).toBeVisible();
  await tab.screenshotAll(`${SHOTS}/driftscope-experiments-compare.png`);

  await page.getByTestId(`exp-delete-${second}`).click();
  await expect(page.getByTestId(`exp-item-${second}`)).toHaveCount(0);
  await expect(tab.measuredMarks("convergence-interval")).toHaveCount(3);
  const list = await api<{ experiments: { id: string }[] }>("/api/v1/experiments");
  expect(list.experiments.map((e) => e.id)).not.toContain(second);
});

test("6. reference points from a CSV (the thesis' table) are drawn beside the measured ones", async () => {
  const csv = "interval_ms,mean_ms,messages_per_sec\n100,180,40\n1000,1540,4\nnot a number,1,1\n";
  await page.getByTestId("refs-file").setInputFiles({ name: "thesis.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
  await expect(page.getByTestId("ref-thesis.csv")).toContainText("thesis.csv: 2 points (convergence from its mean) · 1 row skipped");
  await expect(tab.chart("convergence-interval").locator(".marks.reference .mark")).toHaveCount(2);
  await expect(tab.chart("cost-interval").locator('[data-panel="messages"] .marks.reference .mark')).toHaveCount(2);
  await expect(tab.chart("convergence-interval").locator(".legend")).toContainText("reference: thesis.csv (mean)");
  await expect(tab.measuredMarks("convergence-interval")).toHaveCount(3);
  await tab.chart("convergence-interval").screenshot({ path: `${SHOTS}/driftscope-experiments-references.png` });
  const csvOut = await tab.download("export-exp-convergence-interval-csv");
  const rows = csvOut.bytes.toString("utf8").trim().split(/\r?\n/).slice(1);
  expect(rows.filter((r) => r.startsWith("reference: thesis.csv,"))).toHaveLength(2);
});
