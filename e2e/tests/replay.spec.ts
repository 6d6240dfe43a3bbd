import { readFileSync } from "node:fs";
import { expect, test, type Page } from "@playwright/test";
import { DashboardPage } from "../fixtures/DashboardPage.js";
import { type Collector, type ProcessHandle, startAgent, startCollector, waitFor } from "../fixtures/stack.js";

// Issue 19, problems 2, 4 and 6: a replay is its own mode (header, KPIs, sidebar, subtitle and
// pill follow the scrubber, nothing live shows), markers read in words and crowded ones merge
// into "+n", and "Stop recording" is disabled when nothing records. One stack for the file:
// 6 replicas at 1 s, then 200 ms and a burst of faults, all recorded in run-1.
const SHOTS = process.env.DRIFTSCOPE_SCREENSHOT_DIR ?? "/tmp";
const REPLICAS = 6;

interface RecordedFrame {
  timeMs: number;
  live: number;
  total: number;
  messagesPerSec: number;
  configVersion: number;
  theory: { intervalMs: number } | null;
  replicaIds?: string[];
  columns: { missingUpdates: number[]; status: number[]; messagesPerSec: number[] };
}
interface RunExport {
  run: { id: string; name: string; startedAtMs: number };
  configs: { version: number; timeMs: number; config: { gossip: { intervalMs: number }; network: { partitions: string[][] } } }[];
  frames: RecordedFrame[];
}

let collector: Collector;
let agent: ProcessHandle;
let runId: string;
/** When the interval went from 1 s to 200 ms, and when the faults were over (collector time). */
let changedAtMs: number;
let healedAtMs: number;

async function api<T>(path: string, init?: RequestInit): Promise<T> {
  const response = await fetch(`${collector.url}${path}`, init);
  if (!response.ok) throw new Error(`${init?.method ?? "GET"} ${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

/** A config change as a script would make it (the same as a slider's), answered with the new version. */
async function change(patch: object): Promise<number> {
  const answer = await api<{ config: { version: number } }>("/api/v1/config", { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify(patch) });
  return answer.config.version;
}

/** The recorded frame in force at `t` (the last one at or before it). */
function frameAt(frames: readonly RecordedFrame[], t: number): RecordedFrame {
  let found = frames[0]!;
  for (const f of frames) if (f.timeMs <= t) found = f;
  return found;
}

/** A figure as the header rounds it (to the unit below 1000, to 2–3 digits above) matches the recorded one. */
function nearShown(shown: number, recorded: number): boolean {
  return Math.abs(shown - recorded) <= Math.max(0.55, recorded * 0.05);
}

/** The heatmap summary's count of a recorded frame: "2 of 6 live replicas behind" or "all 6 live replicas caught up". */
function behindText(frame: RecordedFrame): string {
  const live = frame.columns.status.filter((s) => s === 0);
  const behind = frame.columns.missingUpdates.filter((m, i) => frame.columns.status[i] === 0 && m > 0).length;
  return behind === 0 ? `all ${live.length} live replicas caught up` : `${behind} of ${live.length} live replicas behind`;
}

/** "0:20" as the pill and the scrubber print time since the run's start. */
function elapsed(ms: number): string {
  const s = Math.floor(ms / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}

/** Moves the replay's scrubber to collector time `t` (its step is 100 ms from the run's start). */
async function scrubTo(page: Page, t: number): Promise<void> {
  await page.getByTestId("replay-scrubber").fill(String(t));
}

test.describe.configure({ mode: "serial" });

test.beforeAll(async () => {
  test.setTimeout(120_000);
  collector = await startCollector();
  agent = startAgent(collector.url, REPLICAS, ["--interval-ms", "1000", "--fanout", "2", "--updates-per-sec", "2", "--seed", "19"]);
  await waitFor("6 replicas at the collector", async () => ((await api<{ replicas: unknown[] }>("/api/v1/cluster")).replicas.length === REPLICAS ? true : undefined));
  runId = (await api<{ runs: { id: string; endedAtMs: number | null }[] }>("/api/v1/runs")).runs.find((r) => r.endedAtMs === null)!.id;
  // 12 s at 1 s, then 200 ms; a partition, a crash, its restore and the heal within ~3 s (crowded markers); 12 s more.
  await new Promise((r) => setTimeout(r, 12_000));
  await change({ gossip: { intervalMs: 200 } });
  changedAtMs = Date.now();
  await new Promise((r) => setTimeout(r, 6_000));
  await change({ network: { partitions: [["r0", "r1", "r2"], ["r3", "r4", "r5"]] } });
  await new Promise((r) => setTimeout(r, 700));
  await change({ network: { crashed: ["r3"] } });
  await new Promise((r) => setTimeout(r, 700));
  await change({ network: { crashed: [] } });
  await new Promise((r) => setTimeout(r, 700));
  await change({ network: { partitions: [] } });
  healedAtMs = Date.now();
  await new Promise((r) => setTimeout(r, 12_000));
});

test.afterAll(async () => {
  await agent?.stop();
  await collector?.stop();
});

test("a replay follows its scrubber: pill, KPIs, sidebar and theory are the recording's at two positions, and nothing live is shown", async ({ page }) => {
  page.on("pageerror", (error) => console.error("page error:", error));
  await page.setViewportSize({ width: 1600, height: 1000 });
  const dashboard = new DashboardPage(page);
  // Wait until the recording holds frames well after the heal (it is written once a second).
  const recording = await waitFor("frames after the heal in the recording", async () => {
    const r = await api<RunExport>(`/api/v1/runs/${runId}/export?format=json`);
    return r.frames.length > 0 && r.frames[r.frames.length - 1]!.timeMs > healedAtMs + 8_000 ? r : undefined;
  });
  // The change's time as the recording has it (the collector's clock).
  const fast = recording.configs.find((c) => c.config.gossip.intervalMs === 200)!;
  const slow = [...recording.configs].reverse().find((c) => c.timeMs < fast.timeMs && c.config.gossip.intervalMs === 1000)!;
  expect(Math.abs(fast.timeMs - changedAtMs)).toBeLessThan(5_000);
  const start = recording.run.startedAtMs;
  const before = fast.timeMs - 3_000 - ((fast.timeMs - 3_000 - start) % 100);
  const after = healedAtMs + 7_000 - ((healedAtMs + 7_000 - start) % 100);

  await dashboard.open(`${collector.url}/runs/${runId}`);
  await expect(page.getByTestId("replay-scrubber")).toBeVisible({ timeout: 15_000 });
  // Replay is its own mode: no "Live" pill, no live controls.
  await expect(dashboard.connection()).toHaveCount(0);
  await expect(page.getByTestId("interval-input")).toHaveCount(0);

  const shown = async () => ({
    pill: ((await page.getByTestId("mode-pill").textContent()) ?? "").trim(),
    interval: ((await page.getByTestId("recorded-config-interval").textContent()) ?? "").trim(),
    version: ((await page.getByTestId("recorded-config-version").textContent()) ?? "").trim(),
    configTile: await dashboard.configVersion(),
    replicas: await dashboard.kpiText("replicas"),
    messages: await dashboard.messagesPerSec(),
    subtitle: (await dashboard.chart("convergence").locator(".sub").textContent()) ?? "",
  });

  await scrubTo(page, before);
  await expect(page.getByTestId("mode-pill")).toHaveText(`Replay · ${recording.run.name || runId} · ${elapsed(before - start)}`);
  const early = await shown();
  const earlyFrame = frameAt(recording.frames, before);
  await page.screenshot({ path: `${SHOTS}/driftscope-replay-before.png` });

  await scrubTo(page, after);
  await expect(page.getByTestId("mode-pill")).toHaveText(`Replay · ${recording.run.name || runId} · ${elapsed(after - start)}`);
  const late = await shown();
  const lateFrame = frameAt(recording.frames, after);
  await page.screenshot({ path: `${SHOTS}/driftscope-replay-after.png` });
  console.log(`scrubber at ${elapsed(before - start)}: ${JSON.stringify(early)}; recorded messages/s ${earlyFrame.messagesPerSec}`);
  console.log(`scrubber at ${elapsed(after - start)}: ${JSON.stringify(late)}; recorded messages/s ${lateFrame.messagesPerSec}`);

  // Before the change: the recording's 1 s config and its figures then.
  expect(early.interval).toBe("1 s");
  expect(early.version).toMatch(new RegExp(`^v${slow.version}\\b`));
  expect(early.configTile).toBe(earlyFrame.configVersion);
  expect(early.replicas).toBe(`${earlyFrame.live}/${earlyFrame.total}`);
  expect(nearShown(early.messages, earlyFrame.messagesPerSec), `${early.messages} shown, ${earlyFrame.messagesPerSec} recorded`).toBe(true);
  expect(early.subtitle).toContain("T=1 s");
  // After the change and the faults: 200 ms, a later version, the figures then.
  expect(late.interval).toBe("200 ms");
  expect(late.configTile).toBe(lateFrame.configVersion);
  expect(late.configTile).toBeGreaterThan(early.configTile);
  expect(late.replicas).toBe(`${lateFrame.live}/${lateFrame.total}`);
  expect(nearShown(late.messages, lateFrame.messagesPerSec), `${late.messages} shown, ${lateFrame.messagesPerSec} recorded`).toBe(true);
  expect(late.subtitle).toContain("T=200 ms");
  // Five times the rounds: the two positions really differ, as the recording does.
  expect(late.messages).toBeGreaterThan(early.messages * 2.5);
  await page.setViewportSize({ width: 1000, height: 800 });
  await page.screenshot({ path: `${SHOTS}/driftscope-replay-1000x800.png` });
});

test("in a replay the heatmap summary, the topology and the replica table show the recorded frame at the scrubber, and say its time", async ({ page }) => {
  page.on("pageerror", (error) => console.error("page error:", error));
  await page.setViewportSize({ width: 1600, height: 1000 });
  const dashboard = new DashboardPage(page);
  const recording = await waitFor("frames after the heal in the recording", async () => {
    const r = await api<RunExport>(`/api/v1/runs/${runId}/export?format=json`);
    return r.frames.length > 0 && r.frames[r.frames.length - 1]!.timeMs > healedAtMs + 8_000 ? r : undefined;
  });
  const start = recording.run.startedAtMs;
  const fast = recording.configs.find((c) => c.config.gossip.intervalMs === 200)!;
  const split = recording.configs.find((c) => c.config.network.partitions.length === 2)!;
  // Each recorded frame lists its members (the first ones may predate some replicas' joining).
  const col = (f: RecordedFrame, id: string) => f.columns.messagesPerSec[f.replicaIds!.indexOf(id)]!;
  const step = (t: number) => t - ((t - start) % 100);
  // 3 s before the interval change (1 s, no partition), and 300 ms into the partition (200 ms, two groups).
  const positions = [step(fast.timeMs - 3_000), step(split.timeMs + 300)];
  const lastFrame = recording.frames[recording.frames.length - 1]!;

  await dashboard.open(`${collector.url}/runs/${runId}`);
  await expect(page.getByTestId("replay-scrubber")).toBeVisible({ timeout: 15_000 });
  const summary = page.getByTestId("heatmap-summary");
  const topologySub = dashboard.chart("topology").locator(".sub");
  const tableSub = dashboard.chart("replicas").locator(".sub");
  const msgsOf = async (id: string) => Number.parseFloat((await page.getByTestId(`replica-row-${id}`).locator("td").nth(5).textContent()) ?? "");
  const seen: string[] = [];
  for (const [k, t] of positions.entries()) {
    await scrubTo(page, t);
    const frame = frameAt(recording.frames, t);
    const when = `At ${elapsed(t - start)}`;
    // The summary names the scrubber's time (never "Now:") and counts the recorded frame then.
    await expect(summary).toHaveText(new RegExp(`^${when}: ${behindText(frame)}`));
    await expect(topologySub).toContainText(`${when} of the recording`);
    await expect(tableSub).toContainText(`${when} of the recording`);
    // The topology draws the partition recorded then: two groups inside it, none before.
    if (k === 1) await expect(topologySub).toContainText("in 2 partition groups");
    else await expect(topologySub).not.toContainText("partition groups");
    // The table's messages/s per replica are the recorded frame's, not the recording's end.
    for (const id of ["r0", "r4"]) {
      const shown = await msgsOf(id);
      const recorded = col(frame, id);
      expect(nearShown(shown, recorded), `${id} at ${when}: ${shown} shown, ${recorded} recorded (end: ${col(lastFrame, id)})`).toBe(true);
    }
    seen.push(`${(await summary.textContent()) ?? ""} | ${(await topologySub.textContent()) ?? ""} | r0 ${await msgsOf("r0")} msg/s`);
    await page.screenshot({ path: `${SHOTS}/driftscope-replay-views-${k + 1}.png`, fullPage: true });
  }
  console.log(seen.join("\n"));
  // The two positions differ as the recording does: five times the rounds after the change.
  expect(col(frameAt(recording.frames, positions[1]!), "r0")).toBeGreaterThan(col(frameAt(recording.frames, positions[0]!), "r0") * 2);
});

test("markers read in plain words; crowded ones merge into '+n' that lists them on hover; the export names every config", async ({ page }) => {
  await page.setViewportSize({ width: 1600, height: 1000 });
  const dashboard = new DashboardPage(page);
  await dashboard.open(`${collector.url}/runs/${runId}`);
  await expect(page.getByTestId("replay-scrubber")).toBeVisible({ timeout: 15_000 });
  const chart = dashboard.chart("convergence");
  const words = await chart.locator("[data-marker]").evaluateAll((els) => els.map((e) => e.getAttribute("data-marker")));
  console.log(`markers: ${JSON.stringify(words)}`);
  for (const label of ["interval 1000 → 200 ms", "partition into 2 groups", "crash r3", "restore r3", "heal"]) expect(words).toContain(label);
  for (const w of words) expect(w).not.toMatch(/network\.|gossip\.|\bitems?\b|→ none/);

  // Zoomed out to the whole run, four faults within ~3 s do not all fit: some are behind a "+n".
  const more = chart.getByTestId("marker-more").first();
  await expect(more).toBeVisible();
  const count = Number(await more.getAttribute("data-count"));
  await expect(more).toContainText(`+${count}`);
  expect(count).toBeGreaterThanOrEqual(1);
  await more.hover();
  const list = chart.getByTestId("marker-more-list");
  await expect(list).toBeVisible();
  expect(await list.locator("text").count()).toBe(count);
  await chart.screenshot({ path: `${SHOTS}/driftscope-markers-crowded.png` });

  // The export of this view spans several configs: its caption names them, its name says so.
  const [file] = await Promise.all([page.waitForEvent("download"), page.getByTestId("export-convergence-svg").click()]);
  expect(file.suggestedFilename()).toMatch(new RegExp(`^driftscope-convergence-${runId}-multiple-configs-.*\\.svg$`));
  const svg = readFileSync(await file.path(), "utf8");
  const text = [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]).join(" ").replace(/&quot;/g, '"').replace(/&gt;/g, ">");
  expect(text).toMatch(/Spans \d+ configs \(v\d+–v\d+\)/);
  expect(text).toContain("interval 1000 → 200 ms");
  expect(text).toMatch(/Markers merged above: \+\d+ after/);
  // What the figure looks like (looked at when this was written).
  await page.setContent(`<body style="margin:0">${svg}</body>`);
  await page.locator("svg").first().screenshot({ path: `${SHOTS}/driftscope-replay-export.png` });
});

test("'Stop recording' is enabled while a run records and disabled, with the reason, once nothing does", async ({ page }) => {
  const dashboard = new DashboardPage(page);
  await dashboard.open(collector.url);
  await expect(dashboard.kpi("replicas")).toHaveText(`${REPLICAS}/${REPLICAS}`, { timeout: 15_000 });
  await page.getByTestId("tab-runs").click();
  // A second dashboard on the same collector learns of the stop from the timeline.
  const other = await page.context().newPage();
  await other.goto(collector.url);
  await other.getByTestId("tab-runs").click();
  const stop = page.getByTestId("run-stop");
  await expect(stop).toBeEnabled();
  await expect(other.getByTestId("run-stop")).toBeEnabled({ timeout: 15_000 });
  await stop.click();
  await expect(stop).toBeDisabled({ timeout: 10_000 });
  await expect(stop).toHaveAttribute("title", /Nothing is recording/);
  await expect(other.getByTestId("run-stop")).toBeDisabled({ timeout: 10_000 });
  await other.close();
  await waitFor("the run to end", async () => ((await api<{ runs: { endedAtMs: number | null }[] }>("/api/v1/runs")).runs.every((r) => r.endedAtMs !== null) ? true : undefined));
  // A reload (a fresh snapshot) says the same.
  await page.reload();
  await page.getByTestId("tab-runs").click();
  await expect(page.getByTestId("run-stop")).toBeDisabled({ timeout: 10_000 });
  // KPI tiles and legend entries explain themselves where they are read.
  await page.getByTestId("tab-live").click();
  for (const tile of await page.locator(".kpi").all()) await expect(tile).toHaveAttribute("title", /Window: .*\nUnit: .*\nMore: docs\/metrics\.md#/s);
  const entries = dashboard.chart("convergence").locator(".legend .item");
  await expect(entries.first()).toBeVisible();
  for (const entry of await entries.all()) await expect(entry).toHaveAttribute("title", /\nMore: docs\//);
  await expect(dashboard.chart("convergence").locator(".legend .item", { hasText: "asynchronous gossip model" })).toHaveAttribute("title", /Which model: .*How to read it: /s);
});
