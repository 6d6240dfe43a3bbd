// DEV AID: screenshots of every dashboard view in headless Chromium, for a person to look
// at (not an automated test). Starts scripts/fake-collector.ts unless --url is given.
//
//   node --conditions=@driftscope/source --import tsx apps/dashboard/scripts/screenshots.ts \
//     [--url http://127.0.0.1:7420] [--out /tmp/screens] [--prefix fake] [--replicas 32] [--token-url URL]

import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const here = dirname(fileURLToPath(import.meta.url));
// Playwright is a dependency of the e2e workspace, not of the dashboard.
// Typed loosely on purpose: the dashboard does not depend on Playwright's types.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const { chromium } = createRequire(join(here, "../../../e2e/package.json"))("@playwright/test") as { chromium: any };

const { values: args } = parseArgs({
  options: {
    url: { type: "string" },
    out: { type: "string", default: "/tmp/screens" },
    prefix: { type: "string", default: "fake" },
    replicas: { type: "string", default: "32" },
    token: { type: "boolean", default: false },
  },
});

/** Starts the fake collector and resolves with its URL. */
export function startFakeCollector(extra: string[] = []): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ["--conditions=@driftscope/source", "--import", "tsx", join(here, "fake-collector.ts"), ...extra], {
    cwd: join(here, "../../../bench"), // where tsx is installed
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    let buf = "";
    child.stdout!.on("data", (d: Buffer) => {
      buf += d.toString();
      const m = /READY (\S+)/.exec(buf);
      if (m) resolve({ url: m[1]!, child });
    });
    child.on("exit", (code) => reject(new Error(`fake collector exited with ${code}`)));
  });
}

async function main() {
  const out = args.out!;
  mkdirSync(out, { recursive: true });
  let server: ChildProcess | null = null;
  let url = args.url;
  if (!url) {
    const started = await startFakeCollector(["--replicas", args.replicas!, ...(args.token ? ["--token", "secret"] : [])]);
    url = started.url;
    server = started.child;
  }
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking"],
  });
  const shots: string[] = [];
  const svgs: string[] = [];
  try {
    const context = await browser.newContext({ viewport: { width: 1600, height: 1000 }, deviceScaleFactor: 1, acceptDownloads: true });
    const page = await context.newPage();
    page.on("console", (m) => m.type() === "error" && console.error(`[page] ${m.text()}`));
    page.on("pageerror", (e) => console.error(`[page error] ${e.message}`));
    const shot = async (name: string, target?: string) => {
      const file = join(out, `${args.prefix}-${name}.png`);
      if (target) await page.getByTestId(target).screenshot({ path: file });
      else await page.screenshot({ path: file, fullPage: true });
      shots.push(file);
    };
    await page.goto(url);
    await page.getByTestId("connection-state").filter({ hasText: "Live" }).waitFor({ timeout: 20_000 });
    await page.waitForTimeout(2500);
    await shot("01-overview");
    await page.getByTestId("window-1m").click();
    await page.waitForTimeout(600);
    for (const c of ["convergence", "heatmap", "topology", "divergence", "rates", "replicas"]) await shot(`02-${c}`, `chart-${c}`);
    await page.locator("header").screenshot({ path: join(out, `${args.prefix}-03-header.png`) });
    await page.locator("aside").screenshot({ path: join(out, `${args.prefix}-04-controls.png`) });
    // Heatmap: staleness, hover.
    await page.getByTestId("heatmap-metric-staleness").click();
    const canvas = page.getByTestId("heatmap-canvas");
    const box = await canvas.boundingBox();
    if (box) await page.mouse.move(box.x + box.width * 0.7, box.y + box.height * 0.3);
    await page.waitForTimeout(300);
    await shot("05-heatmap-staleness-hover", "chart-heatmap");
    await page.getByTestId("heatmap-metric-missing").click();
    // Select two replicas in the table: their lines appear, rows highlighted.
    const rows = page.locator('[data-testid^="replica-row-"]');
    await rows.nth(3).click();
    await rows.nth(7).click({ modifiers: ["Shift"] });
    await page.waitForTimeout(500);
    const div = await page.getByTestId("chart-divergence").locator(".plot > svg").first().boundingBox();
    if (div) await page.mouse.move(div.x + div.width * 0.6, div.y + div.height * 0.3);
    await page.waitForTimeout(300);
    await shot("06-selection-divergence", "chart-divergence");
    await shot("06-selection-topology", "chart-topology");
    await shot("06-selection-heatmap", "chart-heatmap");
    // Controls: move the interval, change fanout, split into 3 groups.
    await page.getByTestId("interval-input").fill("250");
    await page.getByTestId("interval-input").press("Enter");
    if (args.token) {
      // The collector refuses the change without the operator token: the dialog asks for it.
      await page.getByTestId("token-dialog").waitFor({ timeout: 5000 });
      await shot("07-token-dialog");
      await page.getByTestId("token-input").fill("secret");
      await page.getByTestId("token-submit").click();
      await page.waitForTimeout(500);
    }
    await page.getByTestId("fanout-slider").focus();
    await page.keyboard.press("PageUp");
    await page.waitForTimeout(150);
    await page.locator("aside").screenshot({ path: join(out, `${args.prefix}-07-controls-pending.png`) });
    await page.getByTestId("partition-k").fill("3");
    await page.getByTestId("partition-split").click();
    await page.waitForTimeout(3000);
    await page.locator("aside").screenshot({ path: join(out, `${args.prefix}-08-controls-acked.png`) });
    await shot("09-partitioned-topology", "chart-topology");
    await shot("09-partitioned-overview");
    await page.getByTestId("partition-heal").click();
    await page.waitForTimeout(4000);
    // Brush to zoom on the convergence chart.
    const conv = page.getByTestId("chart-convergence").locator(".plot > svg").first();
    const cb = await conv.boundingBox();
    if (cb) {
      await page.mouse.move(cb.x + cb.width * 0.35, cb.y + cb.height * 0.5);
      await page.mouse.down();
      await page.mouse.move(cb.x + cb.width * 0.75, cb.y + cb.height * 0.5, { steps: 5 });
      await page.mouse.up();
    }
    await page.waitForTimeout(400);
    await shot("10-zoomed-convergence", "chart-convergence");
    await page.getByTestId("time-pause").click(); // resume
    // Exports: download each and keep them next to the screenshots.
    for (const id of ["convergence-svg", "convergence-png", "convergence-csv", "heatmap-svg", "divergence-svg", "rates-png", "topology-svg", "replicas-csv"]) {
      const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId(`export-${id}`).click()]);
      const file = join(out, `${args.prefix}-export-${download.suggestedFilename()}`);
      await download.saveAs(file);
      console.log(`export ${id}: ${download.suggestedFilename()}`);
      if (file.endsWith(".svg")) svgs.push(file);
    }
    // Render the exported SVGs as a browser shows them, to look at.
    const viewer = await context.newPage();
    for (const svg of svgs) {
      await viewer.goto(`file://${svg}`);
      await viewer.locator("svg").first().screenshot({ path: svg.replace(/\.svg$/, ".svg-render.png") });
    }
    await viewer.close();
    // Runs: list, overlay two, open one.
    await page.getByTestId("tab-runs").click();
    await page.waitForTimeout(800);
    if ((await page.locator('[data-testid^="run-open-"]').count()) < 2) {
      // One run only (a fresh collector): start a second, so there is something to compare.
      await page.getByTestId("run-name").fill("after tuning");
      await page.getByTestId("run-start").click();
      await page.waitForTimeout(15_000);
      await page.getByTestId("runs-refresh").click();
      await page.waitForTimeout(1500);
    }
    const overlays = page.locator('[data-testid^="run-overlay-"]');
    const count = await overlays.count();
    for (let i = Math.max(0, count - 3); i < count; i++) await overlays.nth(i).check();
    await page.waitForTimeout(3000);
    await shot("11-runs-overlay");
    const opens = page.locator('[data-testid^="run-open-"]');
    if ((await opens.count()) > 1) {
      await opens.nth(1).click();
      await page.getByTestId("replay-scrubber").waitFor({ timeout: 15_000 });
      await page.waitForTimeout(1000);
      await shot("12-replay");
      const scrub = page.getByTestId("replay-scrubber");
      await scrub.focus();
      for (let i = 0; i < 300; i++) await page.keyboard.press("ArrowLeft");
      await page.waitForTimeout(500);
      await shot("13-replay-scrubbed");
      await page.getByTestId("replay-close").click();
    }
    await context.close();
  } finally {
    await browser.close();
    server?.kill("SIGTERM");
  }
  console.log(shots.join("\n"));
}

await main();
