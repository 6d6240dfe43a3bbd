// docs/experiments.md cannot drift: its example plan runs through the real command,
// `driftscope experiment run --simulate`, and writes what the document says it writes.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const here = dirname(fileURLToPath(import.meta.url));
const CLI = join(here, "..", "bin", "driftscope.js");
const DOC = join(here, "..", "..", "..", "docs", "experiments.md");
const dir = mkdtempSync(join(tmpdir(), "driftscope-exp-doc-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function examplePlan(): string {
  const doc = readFileSync(DOC, "utf8");
  const match = /<!-- example: plan -->\s*```json\n([\s\S]*?)```/.exec(doc);
  if (match === null) throw new Error("docs/experiments.md has no <!-- example: plan --> block");
  return match[1]!;
}

describe("docs/experiments.md", () => {
  it("CL-X6: its example plan runs through `driftscope experiment run --simulate` in under a minute: a row per point, the charts, a recommendation per update rate", () => {
    const planPath = join(dir, "plan.json");
    writeFileSync(planPath, examplePlan());
    const out = join(dir, "out");
    const run = spawnSync(process.execPath, [CLI, "experiment", "run", planPath, "--simulate", "--out", out, "--target-p95", "2000"], { encoding: "utf8", timeout: 60_000 });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/interval\s+fanout\s+mode/);
    expect(run.stdout.match(/recommended: interval \d+ ms/g)).toHaveLength(2);
    expect(readdirSync(out).sort()).toEqual(["convergence-vs-cost.svg", "convergence-vs-interval.svg", "cost-vs-interval.svg", "results.csv", "results.json"]);
    const rows = readFileSync(join(out, "results.csv"), "utf8").trim().split("\r\n");
    expect(rows).toHaveLength(1 + 8); // 4 intervals × 2 update rates
    const svg = readFileSync(join(out, "convergence-vs-interval.svg"), "utf8");
    expect(svg).toMatch(/sync interval \(ms, log\)/);
    expect(svg).toMatch(/convergence time \(ms, log\)/);
    expect(svg).toMatch(/update period/);
    expect(svg).toMatch(/sync period vs cost, 5 replicas/); // the plan in the caption
  }, 90_000);

  it("CL-X7: a bad plan exits 2 with the field and the reason", () => {
    const planPath = join(dir, "bad.json");
    writeFileSync(planPath, JSON.stringify({ ...JSON.parse(examplePlan()), sweep: {} }));
    const run = spawnSync(process.execPath, [CLI, "experiment", "run", planPath], { encoding: "utf8", timeout: 30_000 });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/driftscope: sweep: nothing varies/);
  });
});
