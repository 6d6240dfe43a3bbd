import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { WireError } from "./codec.js";
import { DotTracker } from "../replica/DotTracker.js";
import { VectorView } from "../replica/VectorView.js";
import { PROCESS_TAG, originCount, originIndex } from "./origins.js";
import { decodeMessage, encodeMessage, hashEquals, messageBody, messageHash, messageVersionVector, type GossipMessage } from "./message.js";

const message = fc.record<GossipMessage>({
  kind: fc.constantFrom("state", "pull", "ack", "digest"),
  payload: fc.constantFrom("full", "delta", "digest"),
  full: fc.boolean(),
  reply: fc.boolean(),
  ackWanted: fc.boolean(),
  incarnation: fc.nat(),
  ack: fc.maxSafeNat(),
  ackIncarnation: fc.nat(),
  logFrom: fc.nat(),
  logTo: fc.nat(),
  hash: fc.option(fc.string({ maxLength: 20 }), { nil: null }),
  versionVector: fc.option(
    fc.array(fc.tuple(fc.string({ maxLength: 12 }), fc.nat()), { maxLength: 8 }).map((e) => new Map(e)),
    { nil: null },
  ),
  body: fc.option(fc.uint8Array({ maxLength: 64 }), { nil: null }),
});

describe("wire messages", () => {
  it("G-W1: decode(encode(m)) = m for every message", () => {
    fc.assert(
      fc.property(message, (m) => {
        const back = decodeMessage(encodeMessage(m));
        const body = messageBody(back);
        const { raw: _raw, hashAt: _h, hashLength: _l, bodyAt: _b, vectorAt: _v, vectorEnd: _e, vectorSize: _s, vectorNumbered: _n, vectorPartial: _p, ...header } = back;
        expect({ ...header, hash: messageHash(back), versionVector: messageVersionVector(back), body: body && Array.from(body) }).toEqual({
          ...m,
          body: m.body && Array.from(m.body as Uint8Array),
        });
        if (m.hash !== null && [...m.hash].every((ch) => ch.charCodeAt(0) < 128)) expect(hashEquals(back, m.hash)).toBe(true);
        expect(hashEquals(back, "not-the-hash-of-anything")).toBe(false);
      }),
    );
  });

  it("G-W2: a header costs a handful of bytes around the state", () => {
    const body = new Uint8Array(100);
    const bytes = encodeMessage({
      kind: "state", payload: "delta", full: false, reply: false, ackWanted: true, incarnation: 0, ack: 12, ackIncarnation: 0,
      logFrom: 10, logTo: 12, hash: null, versionVector: null, body,
    });
    expect(bytes.length - body.length).toBeLessThanOrEqual(12);
  });

  it("G-W3: truncated or foreign bytes are rejected with WireError", () => {
    const bytes = encodeMessage({
      kind: "digest", payload: "digest", full: false, reply: true, ackWanted: false, incarnation: 1, ack: 0, ackIncarnation: 0,
      logFrom: 0, logTo: 0, hash: "0123456789abcdef", versionVector: new Map([["r1", 3]]), body: null,
    });
    for (let cut = 0; cut < bytes.length; cut++) expect(() => decodeMessage(bytes.subarray(0, cut))).toThrow(WireError);
    expect(() => decodeMessage(new Uint8Array([9, 0, 0, 0]))).toThrow(WireError);
  });

  it("G-W4: a vector numbered by origin table is a byte or two an entry; another process's numbering or one beyond the table is rejected", () => {
    const tracker = new DotTracker();
    for (let i = 0; i < 300; i++) tracker.addRange(originIndex(`w4-${i}`), 1, 100 + i);
    const digest = (versionVector: GossipMessage["versionVector"]) => encodeMessage({
      kind: "digest", payload: "delta", full: false, reply: false, ackWanted: false, incarnation: 0, ack: 0, ackIncarnation: 0,
      logFrom: 0, logTo: 0, hash: null, versionVector, body: null,
    });
    const numbered = digest(tracker.encodeVector(true));
    const named = digest(tracker.encodeVector(false));
    expect(messageVersionVector(decodeMessage(numbered))).toEqual(messageVersionVector(decodeMessage(named)));
    expect(numbered.length).toBeLessThan(named.length / 2);
    // The tag follows the 9-byte header (4 u8 + 5 one-byte varints): flip it.
    const foreign = numbered.slice();
    expect(((foreign[9]! | (foreign[10]! << 8) | (foreign[11]! << 16) | (foreign[12]! << 24)) >>> 0)).toBe(PROCESS_TAG);
    foreign[9] = foreign[9]! ^ 0xff;
    expect(() => decodeMessage(foreign)).toThrow(/another process/);
    const beyond = digest({ encoded: new Uint8Array([PROCESS_TAG & 0xff, (PROCESS_TAG >>> 8) & 0xff, (PROCESS_TAG >>> 16) & 0xff, PROCESS_TAG >>> 24, 0xff, 0xff, 0x03]), size: 1, numbered: true });
    expect(() => decodeMessage(beyond)).toThrow(/beyond the origin table/);
    // Its varints are checked when read: a seq cut short inside the length it was given is
    // refused before anything acts on it.
    const small = new DotTracker();
    small.addRange(originIndex("w4-a"), 1, 300); // seq 300: a two-byte varint
    const bytes = digest(small.encodeVector(true));
    const cut = bytes.slice();
    cut[cut.length - 1] = cut[cut.length - 1]! | 0x80; // the last varint now runs past the vector's end
    const m = decodeMessage(cut);
    expect(m.vectorSize).toBeGreaterThan(0);
    expect(() => messageVersionVector(m)).toThrow(WireError);
    expect(VectorView.with(m, () => expect.unreachable())).toBe(false);
    expect(() => new DotTracker().behind(m, true)).toThrow(WireError); // compared as read: refused all the same
    expect(VectorView.with(decodeMessage(bytes), (view) => expect(view.get(originIndex("w4-a"))).toBe(300))).toBe(true);
  });

  it("G-W5: a partial vector (the pull answering a delta digest) lists only where the sender is behind, seq 0 included, by number or by name; unlisted origins read +∞", () => {
    const has = (name: string, n: number) => [originIndex(name), n] as const;
    const digestOf = (numbered: boolean) => {
      const t = new DotTracker();
      for (const [o, n] of [has("w5-a", 5), has("w5-b", 7), has("w5-c", 2), has("w5-d", 300)]) t.addRange(o, 1, n);
      return decodeMessage(encodeMessage({
        kind: "digest", payload: "delta", full: false, reply: false, ackWanted: false, incarnation: 0, ack: 0, ackIncarnation: 0,
        logFrom: 0, logTo: 40, hash: null, versionVector: t.encodeVector(numbered), body: null,
      }));
    };
    const puller = new DotTracker();
    puller.addRange(originIndex("w5-a"), 1, 5); // equal: not listed
    puller.addRange(originIndex("w5-b"), 1, 3); // behind: listed with 3
    puller.addRange(originIndex("w5-d"), 1, 400); // ahead: not listed; w5-c: none held, listed with 0
    for (const numbered of [true, false]) {
      const behind = puller.behind(digestOf(numbered), numbered);
      expect(behind).toMatchObject({ size: 2, partial: true, numbered });
      const pull = decodeMessage(encodeMessage({
        kind: "pull", payload: "delta", full: false, reply: false, ackWanted: false, incarnation: 0, ack: 0, ackIncarnation: 0,
        logFrom: 0, logTo: 40, hash: null, versionVector: behind, body: null,
      }));
      expect(pull.vectorPartial).toBe(true);
      expect(messageVersionVector(pull)).toEqual(new Map([["w5-b", 3], ["w5-c", 0]]));
      expect(VectorView.with(pull, (view) => {
        expect(view.partial).toBe(true);
        expect([view.get(originIndex("w5-b")), view.get(originIndex("w5-c")), view.get(originIndex("w5-a")), view.get(originIndex("w5-d"))]).toEqual([3, 0, Infinity, Infinity]);
      })).toBe(true);
      // The view is released whole: the next (full) vector read from the pool sees no +∞.
      expect(VectorView.with(digestOf(true), (view) => expect(view.get(originIndex("w5-zz-unseen"))).toBe(0))).toBe(true);
      // Holding everything the digest lists: nothing to pull.
      expect(new DotTracker().behind(decodeMessage(encodeMessage({
        kind: "digest", payload: "delta", full: false, reply: false, ackWanted: false, incarnation: 0, ack: 0, ackIncarnation: 0,
        logFrom: 0, logTo: 0, hash: null, versionVector: new DotTracker().encodeVector(numbered), body: null,
      })), numbered)).toBeNull();
    }
    // A numbered partial vector cut short, or naming an origin beyond the table, is refused before use.
    const bytes = encodeMessage({
      kind: "pull", payload: "delta", full: false, reply: false, ackWanted: false, incarnation: 0, ack: 0, ackIncarnation: 0,
      logFrom: 0, logTo: 40, hash: null, versionVector: puller.behind(digestOf(true), true), body: null,
    });
    const cut = bytes.slice();
    cut[cut.length - 1] = cut[cut.length - 1]! | 0x80;
    expect(VectorView.with(decodeMessage(cut), () => expect.unreachable())).toBe(false);
    const origin = originCount() + 5; // not in the table
    const tag = [PROCESS_TAG & 0xff, (PROCESS_TAG >>> 8) & 0xff, (PROCESS_TAG >>> 16) & 0xff, PROCESS_TAG >>> 24];
    const beyond = decodeMessage(encodeMessage({
      kind: "pull", payload: "delta", full: false, reply: false, ackWanted: false, incarnation: 0, ack: 0, ackIncarnation: 0, logFrom: 0, logTo: 40,
      hash: null, versionVector: { encoded: new Uint8Array([...tag, 1, 3, 0x80 | (origin & 0x7f), origin >>> 7, 1]), size: 1, numbered: true, partial: true }, body: null,
    }));
    expect(() => messageVersionVector(beyond)).toThrow(/beyond the origin table/);
    expect(VectorView.with(beyond, () => expect.unreachable())).toBe(false);
  });
});
