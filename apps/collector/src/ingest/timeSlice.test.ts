// Connections share one TimeSlice: however many wait on it, one turn of the event loop does
// about one slice of their work, and timers and sockets get the next turn.
import { describe, expect, it } from "vitest";
import { TimeSlice } from "./timeSlice.js";

const busy = (ms: number) => {
  const end = performance.now() + ms;
  while (performance.now() < end);
};

describe("time slices shared by several waiters", () => {
  it("waiters that resume in the same turn share one slice: once it is used, the next waits for another turn", async () => {
    const slice = new TimeSlice(5);
    busy(6); // due
    let turns = 0;
    const resumedAt: number[] = [];
    const work = async () => {
      await slice.yieldIfDue();
      resumedAt.push(turns);
      busy(6); // each uses more than the slice
    };
    const all = Promise.all([work(), work(), work()]);
    // Counts event-loop turns (queued after the waiters' first yield).
    let ticking = true;
    const tick = () => {
      turns++;
      if (ticking) setImmediate(tick);
    };
    setImmediate(tick);
    await all;
    ticking = false;
    expect(resumedAt).toHaveLength(3);
    // Not all three in one turn (each would have held the loop for its own whole slice).
    expect(new Set(resumedAt).size).toBe(3);
  });

  it("a lone waiter goes on at once while its slice lasts", async () => {
    const slice = new TimeSlice(1_000);
    let immediate = false;
    setImmediate(() => (immediate = true));
    await slice.yieldIfDue();
    expect(immediate).toBe(false);
  });
});
