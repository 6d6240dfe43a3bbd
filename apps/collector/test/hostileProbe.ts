// Helpers of the hostile-input suites: what a probe must not change, how long it held the
// event loop, and raw socket.io packets for inputs no well-behaved client would send.
import { readFileSync } from "node:fs";
import { availableParallelism, loadavg } from "node:os";
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

/** What a probe did to the event loop. */
export interface LoopStall {
  /** Longest event-loop delay (monitorEventLoopDelay), wall clock: includes time the OS gave other processes. */
  wallMs: number;
  /** CPU time this process used during its longest stall between two timer turns: the stall it caused itself. */
  cpuMs: number;
  /** Whether the machine had a core per runnable process when the probe started (wall time is then meaningful). */
  quiet: boolean;
}

/**
 * Runs `probe` while measuring event-loop delay with perf_hooks.monitorEventLoopDelay, and
 * the CPU time the process spent inside each stall. On a machine shared with other work
 * (load above the core count) a wall-clock stall is mostly time spent descheduled, so the
 * CPU measure says what the collector did.
 */
export async function measureStall(probe: () => Promise<void>): Promise<LoopStall> {
  const quiet = loadavg()[0]! < availableParallelism();
  const histogram = monitorEventLoopDelay({ resolution: 5 });
  let lastCpu = cpuMs();
  let cpuMax = 0;
  const sampler = setInterval(() => {
    const now = cpuMs();
    cpuMax = Math.max(cpuMax, now - lastCpu);
    lastCpu = now;
  }, 2);
  histogram.enable();
  try {
    await probe();
    // One more turn of the loop, so a stall at the very end is sampled too.
    await new Promise((resolve) => setTimeout(resolve, 15));
  } finally {
    histogram.disable();
    clearInterval(sampler);
  }
  return { wallMs: histogram.max / 1e6, cpuMs: cpuMax, quiet };
}

/** The longest stall during `probe` that counts against the bound (see {@link measureStall}). */
export async function loopDelayDuring(probe: () => Promise<void>): Promise<number> {
  const stall = await measureStall(probe);
  return stall.quiet ? Math.max(stall.wallMs, stall.cpuMs) : stall.cpuMs;
}

/**
 * CPU time of this JS thread (Linux: /proc/thread-self/schedstat, ns); the whole process's
 * elsewhere, which also counts GC helper threads running beside it and so errs high.
 */
function cpuMs(): number {
  if (schedstat) {
    try {
      return Number(readFileSync("/proc/thread-self/schedstat", "utf8").split(" ")[0]) / 1e6;
    } catch {
      schedstat = false;
    }
  }
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}
let schedstat = process.platform === "linux";

/** Asserts the probe left the state as it found it and never stalled the loop beyond the bound. */
export async function expectHarmless(core: CollectorCore, probe: () => Promise<void>, origins: readonly string[] = []): Promise<number> {
  const before = stateFingerprint(core, origins);
  const delayMs = await loopDelayDuring(probe);
  expect(stateFingerprint(core, origins)).toBe(before);
  expect(delayMs, "event-loop stall during the probe (ms)").toBeLessThanOrEqual(MAX_LOOP_DELAY_MS);
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
