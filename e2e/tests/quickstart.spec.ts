import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, test } from "@playwright/test";
import { DashboardPage } from "../fixtures/DashboardPage.js";
import { freePort, StopWaiting, waitFor } from "../fixtures/stack.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

// The README's first command, in a clean copy of the repository (the files git tracks,
// nothing built, no node_modules): `npm start` must install, build, start the collector
// and a 16-replica demo cluster, and print the URL.
test("9. the README quickstart: npm start in a clean copy serves a live 16-replica cluster", async ({ page }) => {
  test.setTimeout(360_000);
  const copy = mkdtempSync(join(tmpdir(), "driftscope-quickstart-"));
  const tracked = execFileSync("git", ["ls-files", "-z"], { cwd: ROOT }).toString("utf8").split("\0").filter(Boolean);
  for (const file of tracked) {
    mkdirSync(dirname(join(copy, file)), { recursive: true });
    cpSync(join(ROOT, file), join(copy, file), { dereference: false });
  }
  const port = await freePort();
  let out = "";
  const child: ChildProcess = spawn("npm", ["start"], {
    cwd: copy,
    env: { ...process.env, DRIFTSCOPE_PORT: String(port), npm_config_loglevel: "warn" },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true, // its own process group: stopping it stops the collector and the cluster too
  });
  child.stdout!.on("data", (chunk: Buffer) => (out += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (out += chunk.toString()));
  try {
    const url = await waitFor(
      "npm start to print the URL",
      async () => {
        if (child.exitCode !== null) throw new StopWaiting(`npm start exited with ${child.exitCode}:\n${out.slice(-4000)}`);
        const m = /Driftscope is running: (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
        return m?.[1];
      },
      300_000,
    );
    expect(url).toBe(`http://127.0.0.1:${port}`);
    const health = (await (await fetch(`${url}/api/v1/health`)).json()) as { ok: boolean };
    expect(health.ok).toBe(true);

    const dashboard = new DashboardPage(page);
    await dashboard.open(url);
    await expect(dashboard.kpi("replicas")).toHaveText("16/16", { timeout: 20_000 });
    await expect.poll(async () => (await dashboard.messagesPerSec()) > 0, { timeout: 10_000 }).toBe(true);
  } finally {
    if (child.pid !== undefined && child.exitCode === null) process.kill(-child.pid, "SIGINT");
    await new Promise((resolve) => {
      const timer = setTimeout(() => {
        if (child.pid !== undefined) {
          try {
            process.kill(-child.pid, "SIGKILL");
          } catch {
            // already gone
          }
        }
        resolve(undefined);
      }, 10_000);
      child.once("exit", () => {
        clearTimeout(timer);
        resolve(undefined);
      });
    });
    rmSync(copy, { recursive: true, force: true });
  }
});
