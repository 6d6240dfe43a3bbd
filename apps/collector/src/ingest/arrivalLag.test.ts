import { describe, expect, it } from "vitest";
import { ArrivalLag } from "./arrivalLag.js";
import { IngestLoad } from "./IngestLoad.js";

describe("arrival lag", () => {
  it("CL-O8: lag over the connection's floor is the backlog, whatever the agent's clock offset; a clock step is forgotten within two windows", () => {
    const lag = new ArrivalLag();
    const offset = 5_000_000; // the agent's clock is far behind: only the excess counts
    expect(lag.excess(1000, 1000 - offset - 3)).toBe(0);
    expect(lag.excess(1100, 1100 - offset - 2)).toBe(0);
    expect(lag.excess(1200, 1200 - offset - 802)).toBe(800); // sat 0.8 s in the sockets' buffers
    // The agent's clock steps back by a minute: late at first, forgotten once two windows pass.
    expect(lag.excess(2000, 2000 - offset - 60_000)).toBe(60_000 - 2);
    let t = 2000;
    while (t < 40_000) {
      t += 1000;
      lag.excess(t, t - offset - 60_000);
    }
    expect(lag.excess(t + 100, t + 100 - offset - 60_000)).toBe(0);
  });

  it("CL-O8: a deep backlog that still grows raises the slowdown within a second, at most every 2 s; one that drains does not", () => {
    const load = new IngestLoad(0);
    const second = (t: number, lagMs: number) => {
      load.arrived(lagMs);
      return load.evaluate(t, 0.95);
    };
    expect(second(1000, 1200)).toBe(2); // not three seconds of waiting as for coalescing alone
    expect(second(2000, 2500)).toBeUndefined(); // agents need a moment to follow
    expect(second(3000, 3000)).toBe(4);
    expect(second(4000, 2000)).toBeUndefined(); // draining: the slowdown holds
    expect(second(5000, 1500)).toBeUndefined();
    expect(load.slowdown).toBe(4);
    // A lag under the bound on an idle loop is not overload.
    const calm = new IngestLoad(0);
    calm.arrived(5000);
    expect(calm.evaluate(1000, 0.2)).toBeUndefined();
  });
});
