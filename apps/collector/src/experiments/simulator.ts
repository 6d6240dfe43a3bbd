// The simulated engine's process: `driftscope-simulate` (the gossip package's bin) runs the
// points in virtual time in a process of its own, so the collector's event loop, and the
// live dashboards' frames, never wait on a simulation. Its input and output are the JSON
// contract of docs/experiments.md; no gossip code is loaded here.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { PointObservation } from "./pointResult.js";
import type { SimulatorPoint } from "./simulatorPoints.js";

/** A line the simulator writes. */
export type SimulatorLine =
  | { type: "start"; index: number }
  | { type: "point"; index: number; wallMs: number; observation: PointObservation }
  | { type: "done" };

/** How to start the simulator: `DRIFTSCOPE_SIMULATOR` (a script path), else the gossip package's bin. */
export function simulatorScript(): string {
  const override = process.env.DRIFTSCOPE_SIMULATOR;
  if (override !== undefined && override !== "") return override;
  // Where the package is installed, read from its own package.json: a path to run, not code to load.
  let dir = dirname(createRequire(import.meta.url).resolve("@driftscope/gossip"));
  for (;;) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { name?: string; bin?: Record<string, string> };
      if (pkg.name === "@driftscope/gossip" && pkg.bin?.["driftscope-simulate"] !== undefined) return join(dir, pkg.bin["driftscope-simulate"]);
    } catch {
      // not the package root yet
    }
    const up = dirname(dir);
    if (up === dir) throw new Error("cannot find driftscope-simulate (the @driftscope/gossip package's bin); set DRIFTSCOPE_SIMULATOR");
    dir = up;
  }
}

export interface SimulationRun {
  /** Stops the simulation; `done` then rejects with "cancelled". */
  cancel(): void;
  done: Promise<void>;
}

/** Runs `points`, calling `onLine` for every line the simulator writes. */
export function runSimulation(points: readonly SimulatorPoint[], onLine: (line: SimulatorLine) => void): SimulationRun {
  const child = spawn(process.execPath, [simulatorScript(), "-"], { stdio: ["pipe", "pipe", "pipe"] });
  let cancelled = false;
  let stderr = "";
  let buffered = "";
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (chunk: string) => (stderr = (stderr + chunk).slice(-4000)));
  child.stdout.setEncoding("utf8");
  child.stdout.on("data", (chunk: string) => {
    buffered += chunk;
    let nl: number;
    while ((nl = buffered.indexOf("\n")) >= 0) {
      const line = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      if (line.trim() !== "") onLine(JSON.parse(line) as SimulatorLine);
    }
  });
  child.stdin.end(JSON.stringify({ points }));
  const done = new Promise<void>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => {
      if (cancelled) reject(new Error("cancelled"));
      else if (code === 0) resolve();
      else reject(new Error(`the simulator failed (exit ${code}): ${stderr.trim() || "no message"}`));
    });
  });
  return {
    cancel: () => {
      cancelled = true;
      child.kill("SIGTERM");
    },
    done,
  };
}
