import { describe, expect, it } from "vitest";
import { BoundedBuffer } from "./BoundedBuffer.js";
import { seeded } from "../random.js";

interface Item {
  id: number;
  size: number;
  events: number;
}
const make = (maxBytes: number) =>
  new BoundedBuffer<Item>({ maxBytes, sizeOf: (i) => i.size, eventsOf: (i) => i.events });

describe("bounded buffer", () => {
  it("keeps everything under the cap, in order", () => {
    const b = make(100);
    for (let id = 0; id < 5; id++) b.push({ id, size: 10, events: 1 });
    expect(b.length).toBe(5);
    expect(b.bytes).toBe(50);
    expect(b.take().map((i) => i.id)).toEqual([0, 1, 2, 3, 4]);
    expect(b.takeDropped()).toEqual({ items: 0, events: 0, bytes: 0 });
  });

  it("drops the oldest when full and counts what it dropped", () => {
    const b = make(30);
    for (let id = 0; id < 5; id++) b.push({ id, size: 10, events: id });
    expect(b.take().map((i) => i.id)).toEqual([2, 3, 4]);
    expect(b.takeDropped()).toEqual({ items: 2, events: 0 + 1, bytes: 20 });
    // the count is reported once
    expect(b.takeDropped()).toEqual({ items: 0, events: 0, bytes: 0 });
    expect(b.droppedTotal.items).toBe(2);
  });

  it("an item larger than the cap is dropped at once", () => {
    const b = make(30);
    b.push({ id: 1, size: 40, events: 7 });
    expect(b.length).toBe(0);
    expect(b.takeDropped().events).toBe(7);
  });

  it("take respects count and byte limits but always makes progress", () => {
    const b = make(1000);
    for (let id = 0; id < 10; id++) b.push({ id, size: 50, events: 0 });
    expect(b.take(3).map((i) => i.id)).toEqual([0, 1, 2]);
    expect(b.take(Infinity, 120).map((i) => i.id)).toEqual([3, 4]);
    expect(b.take(Infinity, 10).map((i) => i.id)).toEqual([5]);
    expect(b.length).toBe(4);
  });

  it("unshift puts a failed send back in front", () => {
    const b = make(1000);
    for (let id = 0; id < 4; id++) b.push({ id, size: 10, events: 0 });
    const sent = b.take(2);
    b.unshift(sent);
    expect(b.take().map((i) => i.id)).toEqual([0, 1, 2, 3]);
  });

  it("memory stays under the cap whatever is pushed (random sizes, long outage)", () => {
    const rand = seeded(11);
    const b = make(10_000);
    let pushed = 0;
    let pushedEvents = 0;
    for (let i = 0; i < 20_000; i++) {
      const item = { id: i, size: 1 + Math.floor(rand() * 500), events: Math.floor(rand() * 5) };
      pushed++;
      pushedEvents += item.events;
      b.push(item);
      expect(b.bytes).toBeLessThanOrEqual(10_000);
      if (rand() < 0.01) b.take(Math.floor(rand() * 10));
    }
    const kept = b.take();
    // ids kept are the newest ones, contiguous
    for (let i = 1; i < kept.length; i++) expect(kept[i]!.id).toBe(kept[i - 1]!.id + 1);
    expect(kept.at(-1)!.id).toBe(19_999);
    expect(b.droppedTotal.items).toBeGreaterThan(0);
    expect(b.droppedTotal.items).toBeLessThan(pushed);
    expect(b.droppedTotal.events).toBeLessThanOrEqual(pushedEvents);
  });
});
