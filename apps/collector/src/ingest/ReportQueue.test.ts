// A collector that keeps up must not merge anything: only reports that really wait coalesce.
import type { Report } from "@driftscope/protocol";
import { describe, expect, it } from "vitest";
import { reportMsg } from "../../test/harness.js";
import { IngestLoad } from "./IngestLoad.js";
import { ReportQueue } from "./ReportQueue.js";

function queueWith(sliceMs: number) {
  const load = new IngestLoad(0);
  let slice: (() => void) | undefined;
  const queue = new ReportQueue(load, () => 0, sliceMs, (run) => (slice = run));
  const folded: number[] = [];
  const fold = (report: Report) => folded.push(report.seq);
  const push = (seq: number) => queue.push("conn", reportMsg("a", seq, []), fold);
  const nextTurn = () => {
    const run = slice;
    slice = undefined;
    run?.();
  };
  return { load, queue, folded, push, nextTurn };
}

describe("report queue", () => {
  it("CL-O6: reports read in one event-loop turn are folded one by one while nothing waits and the turn's fold budget lasts; only past it do they wait and merge", () => {
    const roomy = queueWith(1_000);
    roomy.push(1);
    roomy.push(2);
    roomy.push(3);
    expect(roomy.folded).toEqual([1, 2, 3]);
    expect(roomy.queue.size).toBe(0);
    expect(roomy.load.coalescedReportsTotal).toBe(0);

    // No budget left in the turn: the second and third wait, merge, and fold as one next turn.
    const spent = queueWith(0);
    spent.push(1);
    spent.push(2);
    spent.push(3);
    expect(spent.folded).toEqual([]);
    spent.nextTurn();
    expect(spent.folded).toEqual([3]);
    expect(spent.load.coalescedReportsTotal).toBe(2);
  });
});
