import { describe, expect, it } from "vitest";
import { IngestLoad } from "./IngestLoad.js";

/** One second in which each of `agents` socket agents sent ticks `gapMs` apart where `askedMs` was asked. */
function second(load: IngestLoad, endMs: number, agents: number, gapMs: number, askedMs: number, loopShare: number) {
  for (let a = 0; a < agents; a++) for (let t = gapMs; t <= 1000; t += gapMs) load.ticked(gapMs, askedMs);
  load.evaluate(endMs, loopShare);
}

describe("pacing by acknowledgements", () => {
  it("CL-O9: ticks 2.5× further apart than asked on a busy loop are said for 10 s, with the stretch; nothing is shed and no slowdown asked", () => {
    const load = new IngestLoad(0);
    second(load, 1000, 8, 50, 50, 0.9);
    expect(load.stretch).toBe(1);
    expect(load.figures(1000).paced).toBe(1);
    second(load, 2000, 8, 125, 50, 0.98);
    expect(load.stretch).toBeCloseTo(2.5, 6);
    expect(load.figures(2000)).toMatchObject({ paced: 2.5, shedding: false, slowdown: 1, coalescedReports: 0 });
    // It keeps up again: the figure stays for the header's 10 s, then goes.
    second(load, 3000, 8, 50, 50, 0.5);
    expect(load.stretch).toBe(1);
    expect(load.figures(11_999).paced).toBe(2.5);
    expect(load.figures(12_001).paced).toBe(1);
  });

  it("CL-O9: spacing on an idle loop is the agents' own doing (a slow machine, a stalled process), not pacing; a stall counts 16 intervals at most", () => {
    const load = new IngestLoad(0);
    second(load, 1000, 4, 200, 50, 0.2);
    expect(load.stretch).toBeCloseTo(4, 6);
    expect(load.figures(1000).paced).toBe(1);
    // One agent stalled for a minute among seven on time: 7 × 20 ticks at 50 ms and one gap of 60 s, counted as 800 ms.
    for (let k = 0; k < 140; k++) load.ticked(50, 50);
    load.ticked(60_000, 50);
    load.evaluate(2000, 0.95);
    expect(load.stretch).toBeCloseTo((140 * 50 + 16 * 50) / (141 * 50), 6);
    expect(load.figures(2000).paced).toBe(1);
  });
});
