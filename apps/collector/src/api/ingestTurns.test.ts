import { describe, expect, it } from "vitest";
import { IngestTurns, type IngestTicket } from "./ingestTurns.js";

describe("ingest bodies take turns", () => {
  it("one body at a time, in arrival order; a body released while waiting passes its turn on", async () => {
    const turns = new IngestTurns(100, 2);
    const order: string[] = [];
    const a = turns.reserve("10.0.0.1", 10) as IngestTicket;
    const b = turns.reserve("10.0.0.2", 10) as IngestTicket;
    const c = turns.reserve("10.0.0.3", 10) as IngestTicket;
    await a.turn();
    order.push("a");
    const bTurn = b.turn().then(() => order.push("b"));
    const cTurn = c.turn().then(() => order.push("c"));
    b.release(); // its client went away while waiting
    expect(order).toEqual(["a"]);
    a.release();
    await Promise.all([cTurn, Promise.race([bTurn, new Promise((r) => setTimeout(r, 20))])]);
    expect(order).toEqual(["a", "c"]);
    c.release();
    expect(turns.bytes).toBe(0);
  });

  it("bounds the bytes waiting and the places one address holds", () => {
    const turns = new IngestTurns(25, 2);
    const first = turns.reserve("10.0.0.1", 20);
    expect(typeof first).not.toBe("string");
    expect(turns.reserve("10.0.0.2", 10)).toMatch(/MiB of ingest bodies already/);
    expect(typeof turns.reserve("10.0.0.1", 5)).not.toBe("string");
    expect(turns.reserve("10.0.0.1", 0)).toMatch(/one after another/);
    (first as IngestTicket).release();
    expect(typeof turns.reserve("10.0.0.2", 10)).not.toBe("string");
  });
});
