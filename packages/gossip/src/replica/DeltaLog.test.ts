import { describe, expect, it } from "vitest";
import { Writer } from "../wire/codec.js";
import { originIndex } from "../wire/origins.js";
import { DeltaLog } from "./DeltaLog.js";

const A = originIndex("a");
const B = originIndex("b");
const PEER = originIndex("peer");

const frameOf = (seq: number, size: number) => new Uint8Array(size).fill(seq & 0xff);
const read = (log: DeltaLog, i: number) => {
  const w = new Writer(16);
  log.writeFrame(i, w);
  return Array.from(w.finish());
};

describe("DeltaLog", () => {
  it("G-L1: keeps the newest entries within its entry bound; evicted dots go to the base", () => {
    const log = new DeltaLog(4);
    for (let s = 1; s <= 10; s++) log.append(A, s, PEER, null, frameOf(s, 3));
    expect([log.start, log.end, log.size]).toEqual([6, 10, 4]);
    expect(log.seq(6)).toBe(7);
    expect(read(log, 9)).toEqual([10, 10, 10]);
    expect(log.base?.highestOf(A)).toBe(6);
    expect(() => log.seq(5)).toThrow(RangeError);
  });

  it("G-L2: frames survive ring wrap-around and growth byte for byte, within the byte bound", () => {
    const log = new DeltaLog(1000, 256);
    const sizes: number[] = [];
    for (let s = 1; s <= 300; s++) {
      const size = 1 + ((s * 37) % 50);
      sizes[s] = size;
      log.append(A, s, -1, null, frameOf(s, size));
      expect(log.bytes).toBeLessThanOrEqual(256);
      for (let i = log.start; i < log.end; i++) {
        const seq = log.seq(i);
        if (read(log, i).length !== sizes[seq] || read(log, i).some((b) => b !== (seq & 0xff))) throw new Error(`frame ${seq} corrupted`);
      }
    }
    expect(log.size).toBeGreaterThan(5);
  });

  it("G-L3: a frame bigger than the byte bound still fits (alone)", () => {
    const log = new DeltaLog(10, 64);
    log.append(A, 1, -1, null, frameOf(1, 10));
    log.append(-1, -1, PEER, [{ replica: "b", from: 1, to: 3 }], frameOf(2, 500));
    expect(log.size).toBe(1);
    expect(log.origin(1)).toBeNull();
    expect(log.dots(1)).toEqual([{ replica: "b", from: 1, to: 3 }]);
    log.append(A, 2, -1, null, frameOf(3, 10));
    expect([log.base?.highestOf(A), log.base?.highestOf(B)]).toEqual([1, 3]);
  });

  it("G-L4: a gap moves every position before start and forgets the base; reset restarts the indices", () => {
    const log = new DeltaLog(8);
    for (let s = 1; s <= 3; s++) log.append(A, s, -1, null, frameOf(s, 2));
    log.gap();
    expect([log.start, log.end, log.size, log.base]).toEqual([4, 4, 0, null]);
    log.append(A, 4, -1, null, frameOf(4, 2));
    expect(log.via(4)).toBeNull();
    log.reset();
    expect([log.start, log.end, log.size]).toEqual([0, 0, 0]);
    expect([log.base?.highestOf(A), log.base?.highestOf(B)]).toEqual([0, 0]);
  });

  it("G-L5: what a peer lacks is found from the newest entry back, in log order, without the peer's own and relayed-by-it entries", () => {
    const C = originIndex("c");
    const log = new DeltaLog(64);
    // a:1..10 (local), b:1..5 via peer, one relayed state bringing c:1..2 via a, then a:11.
    for (let s = 1; s <= 10; s++) log.append(A, s, -1, null, frameOf(s, 2));
    for (let s = 1; s <= 5; s++) log.append(B, s, PEER, null, frameOf(100 + s, 2));
    log.append(-1, -1, A, [{ replica: "c", from: 1, to: 2 }], frameOf(200, 3));
    log.append(A, 11, -1, null, frameOf(11, 2));
    const theirs = new Map([[A, 8], [B, 2], [C, 1]]);
    const vector = { get: (origin: number) => theirs.get(origin) ?? 0 };
    // They lack a:9..11 (3), b:3..5 (3) and c:2 (1): 7 dots; b's came via the peer itself.
    const { body, count } = log.encodeMissing(PEER, -1, vector, 7);
    expect(count).toBe(4);
    expect(Array.from(body.bytes())).toEqual([4, ...frameOf(9, 2), ...frameOf(10, 2), ...frameOf(200, 3), ...frameOf(11, 2)]);
    // Told it lacks fewer, the walk stops early (what it lacks is almost always recent).
    expect(log.encodeMissing(PEER, -1, vector, 1).count).toBe(1);
    // Skipping the origin instead of the peer: the b entries go, a's stay out.
    expect(log.encodeMissing(-1, A, vector, 7).count).toBe(4);
  });

  it("G-L6: entries a peer is known to hold, or that came from it, leave its lists; a reused slot or a restarted peer clears that", () => {
    const log = new DeltaLog(4);
    const slots = [1, 2, 3].map((s) => log.append(A, s, -1, null, frameOf(s, 2)));
    const BIT = 1 << 3;
    log.noteKnownBy(slots[1]!, A, 2, BIT);
    log.noteKnownBy(slots[2]!, A, 99, BIT); // not the dot in that slot: ignored
    expect(log.encodeList(0, -1, -1, null, BIT).count).toBe(2);
    expect(log.encodeList(0, -1, -1, null, 1 << 4).count).toBe(3); // another peer
    log.forgetPeer(-5, BIT);
    expect(log.encodeList(0, -1, -1, null, BIT).count).toBe(3);
    // Entries that came via a peer go back to it once it restarted empty.
    const viaLog = new DeltaLog(8);
    viaLog.append(A, 1, PEER, null, frameOf(1, 2));
    viaLog.append(A, 2, -1, null, frameOf(2, 2));
    expect(viaLog.encodeList(0, PEER, -1, null).count).toBe(1);
    viaLog.forgetPeer(PEER, 0);
    expect(viaLog.encodeList(0, PEER, -1, null).count).toBe(2);
    log.noteKnownBy(slots[0]!, A, 1, BIT);
    for (let s = 4; s <= 7; s++) log.append(A, s, -1, null, frameOf(s, 2)); // slot of a:1 reused
    expect(log.encodeList(0, -1, -1, null, BIT).count).toBe(4);
  });
});
