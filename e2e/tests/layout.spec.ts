import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import { DashboardPage, parseDurationMs } from "../fixtures/DashboardPage.js";
import { type Collector, type ProcessHandle, startAgent, startCollector, waitFor } from "../fixtures/stack.js";

// Issue 19, problems 3 and 5 and accessibility, on one real stack (a collector and 16
// replicas at interval 1 s, fanout 2, 2 updates/s): the y-axis after a regime change,
// the heatmap after a reload, the Runs table at 1000×800, axe on every tab, selection by
// keyboard only, and screenshots of every tab at three viewport sizes.
const REPLICAS = 16;
const ids = Array.from({ length: REPLICAS }, (_, i) => `r${i}`);

let collector: Collector;
let agent: ProcessHandle;
let page: Page;
let dashboard: DashboardPage;

test.describe.configure({ mode: "serial" });

async function putConfig(patch: object): Promise<void> {
  const current = (await (await fetch(`${collector.url}/api/v1/config`)).json()) as { version: number };
  const res = await fetch(`${collector.url}/api/v1/config`, { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify({ expectedVersion: current.version, ...patch }) });
  expect(res.status, await res.clone().text()).toBe(200);
}

/** The convergence chart's y-axis: its tick labels as ms, highest last. */
async function convergenceTicksMs(): Promise<number[]> {
  const labels = await page.getByTestId("chart-convergence").locator("svg text[text-anchor='end']").allTextContents();
  return labels.map(parseDurationMs).filter(Number.isFinite).sort((a, b) => a - b);
}

/** Warm (missing-updates) pixels of the heatmap canvas between two fractions of its time axis. */
async function heatmapWarmPixels(from: number, to: number): Promise<{ warm: number; columns: number }> {
  return page.getByTestId("heatmap-canvas").evaluate(
    (canvas: HTMLCanvasElement, span) => {
      const ctx = canvas.getContext("2d")!;
      const dpr = canvas.width / canvas.clientWidth;
      // The plot starts 62 px in and ends 14 px before the right edge (PLOT_MARGIN).
      const left = 62 * dpr;
      const width = canvas.width - left - 14 * dpr;
      const x0 = Math.round(left + span.from * width);
      const x1 = Math.round(left + span.to * width);
      const { data } = ctx.getImageData(x0, 0, x1 - x0, canvas.height);
      let warm = 0;
      const warmColumns = new Set<number>();
      for (let i = 0; i < data.length; i += 4) {
        if (data[i]! > 150 && data[i + 2]! < 120 && data[i + 3]! > 0) {
          warm++;
          warmColumns.add((i / 4) % (x1 - x0));
        }
      }
      return { warm, columns: warmColumns.size / (x1 - x0) };
    },
    { from, to },
  );
}

test.beforeAll(async ({ browser }) => {
  collector = await startCollector();
  agent = startAgent(collector.url, REPLICAS, ["--interval-ms", "1000", "--fanout", "2", "--updates-per-sec", "2", "--seed", "19"]);
  await waitFor("16 replicas at the collector", async () => {
    const snapshot = (await (await fetch(`${collector.url}/api/v1/cluster`)).json()) as { replicas: unknown[] };
    return snapshot.replicas.length === REPLICAS ? true : undefined;
  });
  // AxeBuilder needs a page of a context made with browser.newContext().
  page = await (await browser.newContext({ viewport: { width: 1440, height: 960 } })).newPage();
  page.on("pageerror", (error) => console.error("page error:", error));
  dashboard = new DashboardPage(page);
  await dashboard.open(collector.url);
  await expect(dashboard.kpi("replicas")).toHaveText(`${REPLICAS}/${REPLICAS}`, { timeout: 10_000 });
});

test.afterAll(async () => {
  await agent?.stop();
  await collector?.stop();
});

test("1. after a partition, heal and a fanout change, the convergence axis fits the new regime — not the partition's 20 s", async () => {
  test.setTimeout(150_000);
  await page.waitForTimeout(10_000);
  await putConfig({ network: { partitions: [ids.slice(0, 8), ids.slice(8)] } });
  await page.waitForTimeout(20_000);
  await putConfig({ network: { partitions: [] } });
  // The partition's updates converge at the heal, up to ~20 s after they were issued: the axis reaches that far.
  await expect.poll(async () => (await convergenceTicksMs()).at(-1) ?? 0, { timeout: 20_000 }).toBeGreaterThanOrEqual(15_000);
  await page.waitForTimeout(5_000);
  await putConfig({ gossip: { fanout: 6 } });
  await dashboard.expectAllAcked(REPLICAS);
  // Once the new regime has ~10 s of data, the axis fits it: its top is within a few seconds, and a note says why.
  await expect.poll(async () => (await convergenceTicksMs()).at(-1) ?? Infinity, { timeout: 40_000 }).toBeLessThanOrEqual(5_000);
  await expect(page.getByTestId("convergence-fit-note")).toContainText("fitted to the data since the change");
  const p99 = await dashboard.p99();
  expect(p99.ms, "the header's p99 after the change is on the axis").toBeLessThanOrEqual((await convergenceTicksMs()).at(-1)!);
  // "Show all in view" brings the partition back onto the axis; the choice is remembered across a reload.
  await page.getByTestId("convergence-fit-note").getByRole("button", { name: "Show all in view" }).click();
  await expect.poll(async () => (await convergenceTicksMs()).at(-1) ?? 0).toBeGreaterThanOrEqual(15_000);
  await page.getByTestId("convergence-fit-note").getByRole("button", { name: "Fit the latest change" }).click();
  await expect.poll(async () => (await convergenceTicksMs()).at(-1) ?? Infinity).toBeLessThanOrEqual(5_000);
  await page.screenshot({ path: "/tmp/driftscope-layout-regime.png" });
});

const HEADING_RULES = ["page-has-heading-one", "heading-order"];

test("2. axe finds no serious or critical violation, and no heading issue, on the Cluster, Runs and Experiments tabs", async () => {
  for (const tab of ["live", "runs", "experiments"] as const) {
    await page.getByTestId(`tab-${tab}`).click();
    await page.waitForTimeout(1_000);
    const results = await new AxeBuilder({ page }).analyze();
    // Serious and critical everywhere; of the moderate ones, the headings (a page with no h1, levels skipped).
    const serious = results.violations
      .filter((v) => v.impact === "serious" || v.impact === "critical" || HEADING_RULES.includes(v.id))
      .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(" | ")}`);
    expect(serious, `tab ${tab}`).toEqual([]);
  }
  await page.getByTestId("tab-live").click();
});

/** Presses Tab until `testId` has the focus (at most `max` times); the number of presses. */
async function tabTo(testId: string, max = 400): Promise<number> {
  for (let i = 1; i <= max; i++) {
    await page.keyboard.press("Tab");
    if (await page.evaluate((id) => document.activeElement?.getAttribute("data-testid") === id, testId)) return i;
  }
  throw new Error(`${testId} not reached in ${max} presses of Tab`);
}

test("3. by keyboard alone: every control is reachable, and replicas are selected in the heatmap and the topology", async () => {
  await page.getByTestId("tab-live").focus();
  // Every visible, enabled control of the Cluster tab is reached by Tab.
  const reached = new Set<string>();
  const total = await page.evaluate(() => {
    let n = 0;
    for (const el of document.querySelectorAll<HTMLElement>("button, input, select, textarea, a[href], [tabindex='0']")) {
      const r = el.getBoundingClientRect();
      if ((el as HTMLButtonElement).disabled || r.width === 0 || getComputedStyle(el).visibility === "hidden") continue;
      el.dataset.e2eFocusable = String(n++);
    }
    return n;
  });
  for (let i = 0; i < total * 2 + 20 && reached.size < total; i++) {
    await page.keyboard.press("Tab");
    const key = await page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.e2eFocusable ?? null);
    if (key !== null) reached.add(key);
  }
  const missed = await page.evaluate((got) => {
    const out: string[] = [];
    for (const el of document.querySelectorAll<HTMLElement>("[data-e2e-focusable]")) {
      if (!got.includes(el.dataset.e2eFocusable!) && el.isConnected) out.push(`${el.tagName.toLowerCase()} ${el.getAttribute("data-testid") ?? el.getAttribute("aria-label") ?? el.textContent?.trim().slice(0, 30)}`);
    }
    return out;
  }, [...reached]);
  expect(missed, `${reached.size} of ${total} reached`).toEqual([]);

  // Heatmap: Tab to it, arrow down to the third replica, Enter selects it.
  await page.getByTestId("tab-live").focus();
  await tabTo("heatmap-plot");
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("ArrowDown");
  await expect(page.getByTestId("heatmap-cursor")).toHaveText("r2");
  await expect(page.getByTestId("heatmap-tooltip")).toContainText("r2");
  await page.keyboard.press("Enter");
  await expect(dashboard.replicaRow("r2")).toHaveAttribute("aria-selected", "true");
  // Topology: Tab on to it, End goes to the last replica, Shift+Enter adds it to the selection.
  await tabTo("topology-plot");
  await page.keyboard.press("End");
  await expect(page.getByTestId("topology-cursor")).toHaveText("r15");
  await page.keyboard.press("Shift+Enter");
  await expect(dashboard.replicaRow("r15")).toHaveAttribute("aria-selected", "true");
  await expect(dashboard.replicaRow("r2")).toHaveAttribute("aria-selected", "true");
  // A window button works by keyboard too.
  await page.getByTestId("window-1m").focus();
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("window-1m")).toHaveAttribute("aria-pressed", "true");
  await page.getByTestId("window-5m").focus();
  await page.keyboard.press("Space");
  await expect(page.getByTestId("window-5m")).toHaveAttribute("aria-pressed", "true");
});

test("4. screenshots of every tab at 1280×720, 1000×800 and 1920×1080", async () => {
  for (const [width, height] of [[1280, 720], [1000, 800], [1920, 1080]] as const) {
    await page.setViewportSize({ width, height });
    for (const tab of ["live", "runs", "experiments"] as const) {
      await page.getByTestId(`tab-${tab}`).click();
      await page.waitForTimeout(1_200);
      // What the viewport shows first, then everything (the panes scroll inside the page: let them grow for the picture).
      await page.evaluate(() => document.querySelectorAll("*").forEach((el) => el.scrollTop > 0 && (el.scrollTop = 0)));
      await page.screenshot({ path: `/tmp/driftscope-layout-${tab}-${width}x${height}.png` });
      const grow = await page.addStyleTag({ content: "html, body, #root, .app { height: auto !important; } .main, .content, .sidebar, .runs-page, .exp-side, .exp-main { overflow: visible !important; max-height: none !important; }" });
      await page.waitForTimeout(300);
      await page.screenshot({ path: `/tmp/driftscope-layout-${tab}-${width}x${height}-full.png`, fullPage: true });
      await grow.evaluate((el) => (el as Element).remove());
      // Nothing sticks out of the page sideways (a clipped card would widen it).
      expect(await page.evaluate(() => document.documentElement.scrollWidth), `${tab} at ${width}×${height}`).toBeLessThanOrEqual(width);
    }
  }
  await page.getByTestId("tab-live").click();
});

// After the tests that need no history of their own: their time counts toward the run length this one waits for.
test("5. a reloaded page's heatmap is filled from history, not only from the last minute of frames", async () => {
  test.setTimeout(120_000);
  // The run is longer than the minute of frames a snapshot carries (16 replicas: 60 s at 10 Hz).
  await expect.poll(async () => {
    const cluster = (await (await fetch(`${collector.url}/api/v1/cluster`)).json()) as { timeMs: number; run: { startedAtMs: number } };
    return cluster.timeMs - cluster.run.startedAtMs;
  }, { timeout: 60_000 }).toBeGreaterThan(95_000);
  await page.reload();
  await expect(dashboard.kpi("replicas")).toHaveText(`${REPLICAS}/${REPLICAS}`, { timeout: 10_000 });
  await page.waitForTimeout(1_500);
  // The first quarter of the time axis lies before the frames: warm cells there come only from the snapshot's history.
  const early = await heatmapWarmPixels(0.02, 0.25);
  expect(early.columns, "share of the early columns with coloured cells").toBeGreaterThan(0.8);
  // Every replica has its label (16 rows), and the summary above says who is behind in words.
  for (const id of ids) await expect(page.getByTestId("heatmap-plot").locator("svg text", { hasText: new RegExp(`^${id}$`) })).toHaveCount(1);
  await expect(page.getByTestId("heatmap-summary")).toHaveText(/^Now: (all 16 live replicas caught up|\d+ of 16 live replicas behind)/);
  await expect(page.getByTestId("heatmap-scale")).toContainText("fitted to the visible window");
});

test("6. at 1000×800 no element of the Runs table lies outside its card, and Open and CSV are visible", async () => {
  await page.setViewportSize({ width: 1000, height: 800 });
  await page.getByTestId("tab-runs").click();
  await page.getByTestId("run-name").fill("after the fanout change");
  await page.getByTestId("run-start").click();
  await expect(page.getByTestId("runs-table").locator("tbody tr")).toHaveCount(2, { timeout: 10_000 });
  const card = page.locator("section.card", { has: page.getByTestId("runs-table") });
  const box = (await card.boundingBox())!;
  const outside = await page.getByTestId("runs-table").evaluate((table, b) => {
    const out: string[] = [];
    for (const el of table.querySelectorAll("th, td, button, a, input")) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 && r.height === 0) continue;
      if (r.left < b.x - 0.5 || r.right > b.x + b.width + 0.5 || r.top < b.y - 0.5 || r.bottom > b.y + b.height + 0.5) out.push(`${el.tagName.toLowerCase()} "${(el.textContent ?? "").trim().slice(0, 30)}" ${Math.round(r.left)}–${Math.round(r.right)}`);
    }
    return out;
  }, box);
  expect(outside, `card spans ${Math.round(box.x)}–${Math.round(box.x + box.width)}`).toEqual([]);
  for (const button of await page.locator("[data-testid^='run-open-'], [data-testid^='run-csv-']").all()) await expect(button).toBeInViewport();
  await page.getByTestId("tab-live").click();
  await page.setViewportSize({ width: 1440, height: 960 });
});
