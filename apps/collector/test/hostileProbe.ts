// Helpers of the hostile-input suites: what a probe must not change, how long it held the
// event loop, and raw socket.io packets for inputs no well-behaved client would send.
import { monitorEventLoopDelay } from "node:perf_hooks";
import { AGENT_NAMESPACE } from "@driftscope/protocol";
import { expect } from "vitest";
import type { CollectorCore } from "../src/CollectorCore.js";
import type { AgentClient, DashboardClient } from "./harness.js";

/** No single hostile input may hold the collector's event loop longer than this (issue 14). */
export const MAX_LOOP_DELAY_MS = 100;

/**
 * Everything a refused input must not change: the snapshot's substance (config,
 * membership, every replica's vector and missing count, the frontier), the agent sessions
 * and the run. Times and rates move on their own and are left out.
 */
export function stateFingerprint(core: CollectorCore, origins: readonly string[] = []): string {
  const engine = core.engine;
  const ids = engine.replicaIds();
  return JSON.stringify({
    config: core.config,
    ids,
    membership: engine.currentMembershipVersion,
    vv: ids.map((id) => engine.versionVector(id)),
    missing: ids.map((id) => engine.missingUpdates(id)),
    frontier: [...ids, ...origins].map((id) => engine.frontierFor(id)),
    agents: [...core.agents.sessions.values()].map((s) => [s.agentId, core.agents.replicasOf(s.agentId), s.lastReportSeq]),
    run: core.runInfo()?.id,
  });
}

/** Runs `probe` while measuring event-loop delay; returns the longest stall seen, in ms. */
export async function loopDelayDuring(probe: () => Promise<void>): Promise<number> {
  const histogram = monitorEventLoopDelay({ resolution: 5 });
  histogram.enable();
  try {
    await probe();
    // One more turn of the loop, so a stall at the very end is sampled too.
    await new Promise((resolve) => setTimeout(resolve, 15));
  } finally {
    histogram.disable();
  }
  return histogram.max / 1e6;
}

/** Asserts the probe left the state as it found it and never stalled the loop beyond the bound. */
export async function expectHarmless(core: CollectorCore, probe: () => Promise<void>, origins: readonly string[] = []): Promise<number> {
  const before = stateFingerprint(core, origins);
  const delayMs = await loopDelayDuring(probe);
  expect(stateFingerprint(core, origins)).toBe(before);
  expect(delayMs, "event-loop delay during the probe (ms)").toBeLessThanOrEqual(MAX_LOOP_DELAY_MS);
  return delayMs;
}

/** Resolves when the socket is disconnected (rejects after `timeoutMs`). */
export function closed(socket: AgentClient | DashboardClient, timeoutMs = 5000): Promise<void> {
  if (socket.disconnected && !socket.active) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`socket still connected after ${timeoutMs} ms`)), timeoutMs);
    (socket as unknown as { once(event: "disconnect", fn: () => void): void }).once("disconnect", () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** Writes a raw engine.io message (a socket.io packet as text) on the socket's connection. */
export function rawPacket(socket: AgentClient | DashboardClient, packet: string): void {
  (socket.io.engine as unknown as { write(data: string): void }).write(packet);
}

/**
 * A socket.io EVENT packet written by hand from JSON text: large probes are encoded before
 * the measurement, so that the client's own encoding (same process) is not counted.
 */
export function eventPacket(event: string, json: string, nsp = AGENT_NAMESPACE): string {
  return `2${nsp},[${JSON.stringify(event)},${json}]`;
}
