// docs/agent.md §5: a handshake refused for its token waits the longest reconnect delay
// (a wrong token will not fix itself), while a collector that is only unreachable is
// retried on the ordinary schedule. The real collector refuses a wrong socket.io auth
// token before any hello, as a connect error; the fake collector only refuses hellos.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
// eslint-disable-next-line driftscope/import-arrows -- integration test: how the real collector refuses a wrong token is what the agent must handle
import { createCollector } from "@driftscope/collector";
import { afterEach, describe, expect, it } from "vitest";
import { createAgent, type Agent } from "../src/Agent.js";
import { eventually } from "./fakeCollector.js";

const BACKOFF = { initialMs: 20, maxMs: 1000, jitter: 0 };
let cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups = [];
});

function agentFor(url: string, token: string, warnings: string[]): Agent {
  const agent = createAgent({ collectorUrl: url, token, agentId: "refused", backoff: BACKOFF, logger: { info: () => {}, warn: (m) => warnings.push(m) } });
  cleanups.push(() => agent.close());
  return agent;
}

const failures = (agent: Agent) => agent.status().connectionStats.failures;

describe("reconnecting after a refusal", () => {
  it("a wrong token is not hammered: after the refusal the agent waits the longest delay", async () => {
    const dir = mkdtempSync(join(tmpdir(), "driftscope-refused-"));
    const collector = await createCollector({ host: "127.0.0.1", port: 0, db: join(dir, "it.db"), agentToken: "right" });
    cleanups.push(async () => {
      await collector.close();
      rmSync(dir, { recursive: true, force: true });
    });
    const warnings: string[] = [];
    const agent = agentFor(collector.url, "wrong", warnings);
    await eventually("the first refusal", () => failures(agent) >= 1);
    // The ordinary schedule would have tried 5 more times by now (20, 40, 80, 160, 320 ms).
    await new Promise((r) => setTimeout(r, 700));
    expect(failures(agent)).toBe(1);
    expect(warnings.join("\n")).toContain("UNAUTHORIZED");
    expect(agent.status().connection).not.toBe("ready");
  });

  it("a collector that is only unreachable is retried on the ordinary schedule", async () => {
    const dir = mkdtempSync(join(tmpdir(), "driftscope-refused-"));
    const probe = await createCollector({ host: "127.0.0.1", port: 0, db: join(dir, "it.db") });
    const url = probe.url;
    await probe.close();
    rmSync(dir, { recursive: true, force: true });
    const agent = agentFor(url, "any", []);
    await eventually("several quick retries", () => failures(agent) >= 4, 2_000);
  });
});
