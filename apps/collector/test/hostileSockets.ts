// Shared by the hostile socket suites (issue 14): one collector per test file with a
// welcomed agent "a" holding r1 (seq 3) and r2, and the probes' helpers. Each probe gets a
// clear error or a closed connection, changes nothing, and never holds the event loop more
// than 100 ms (expectHarmless). `t` and `agent` are live bindings, set before the tests run.
import type { ErrorMessage } from "@driftscope/protocol";
import { afterAll, beforeAll, expect } from "vitest";
import { connected, dashboardClient, flushAgent, handshake, next, replicaReport, reportMsg, startCollector, until, type AgentClient, type DashboardClient, type TestCollector } from "./harness.js";
import { closed, expectHarmless } from "./hostileProbe.js";

/** A short handshake timeout, so the timeout probes do not wait 5 s. */
export const HANDSHAKE_TIMEOUT_MS = 400;
export let t: TestCollector;
export let agent: AgentClient;

/** Starts the test file's collector (before its tests) and stops it after them. */
export function useHostileCollector(): void {
  beforeAll(async () => {
    t = await startCollector({ frameHz: 5, handshakeTimeoutMs: HANDSHAKE_TIMEOUT_MS });
    ({ agent } = await handshake(t.url, "a", ["r1", "r2"]));
    agent.emit("report", reportMsg("a", 1, [replicaReport("r1", 3, [["r1", 3]], { full: true }), replicaReport("r2", 1, [["r2", 1]], { full: true })]));
    await flushAgent(agent);
    // Reports may be applied a turn after the ping that flushes them is answered.
    await until(() => t.collector.core.agents.sessions.get("a")?.lastReportSeq === 1);
  });
  afterAll(async () => {
    await t.stop();
  });
}

export type Loose = { emit(event: string, ...args: unknown[]): void };
/** A socket that may emit anything (the typed event maps would refuse the probes). */
export const loose = (s: AgentClient | DashboardClient) => s as unknown as Loose;
export const harmless = (probe: () => Promise<void>) => expectHarmless(t.collector.core, probe);

/** A dashboard that subscribed and got its snapshot. */
export async function subscribed(): Promise<DashboardClient> {
  const dash = dashboardClient(t.url);
  await connected(dash);
  const snapshot = next(dash, "snapshot");
  dash.emit("subscribe", { type: "subscribe" });
  await snapshot;
  return dash;
}

/** Sends something that must earn an error with `code` and the end of the connection. */
export async function refusedAndClosed(socket: AgentClient | DashboardClient, send: () => void, code: string, message?: RegExp): Promise<void> {
  const error = next<ErrorMessage>(socket, "error");
  const gone = closed(socket);
  send();
  const e = await error;
  expect(e.code).toBe(code);
  if (message !== undefined) expect(e.message).toMatch(message);
  await gone;
}

/** A valid next report of agent "a". */
export const good = () => reportMsg("a", 2, [replicaReport("r1", 4, [["r1", 4]])]);
export const big = (bytes: number) => new Uint8Array(bytes).fill(7);
