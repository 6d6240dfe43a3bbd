// A real collector in this process for the live tests: loopback, any free port, a temporary
// database, on the test's clock (so collector times and the test's own truth compare directly).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
// eslint-disable-next-line driftscope/import-arrows -- integration test: the Automerge sources reporting through the agent to the real collector over loopback is what these tests check
import { createCollector, type Collector } from "@driftscope/collector";

export async function startCollector(now: () => number): Promise<Collector & { stop(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), "driftscope-automerge-it-"));
  const collector = await createCollector({ host: "127.0.0.1", port: 0, db: join(dir, "it.db"), frameHz: 10, now });
  return Object.assign(collector, {
    stop: async () => {
      await collector.close();
      rmSync(dir, { recursive: true, force: true });
    },
  });
}

/** Polls `predicate` every 25 ms until it holds; fails after `timeoutMs`, naming `what`. */
export async function eventually(what: string, predicate: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
