import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { hash128, hash64, murmur3x86_128 } from "./hash.js";

describe("hash", () => {
  it("C-H1: murmur3x86_128 passes SMHasher's verification test (0xB3ECE62A)", () => {
    // SMHasher: hash keys 0..255 bytes long (key[i] = i) with seed 256 - length, concatenate
    // the little-endian digests, hash that with seed 0, and read the first 32-bit word.
    const key = new Uint8Array(256);
    const digests = new Uint8Array(16 * 256);
    const view = new DataView(digests.buffer);
    for (let len = 0; len < 256; len++) {
      key[len] = len;
      murmur3x86_128(key.subarray(0, len), 256 - len).forEach((word, j) => view.setUint32(len * 16 + j * 4, word, true));
    }
    expect(murmur3x86_128(digests, 0)[0]).toBe(0xb3ece62a);
  });

  it("C-H1: hash64 is 16 lowercase hex chars, the first half of hash128, and stable across releases", () => {
    const bytes = new TextEncoder().encode("hello");
    expect(hash64(bytes)).toMatch(/^[0-9a-f]{16}$/);
    expect(hash128(bytes).startsWith(hash64(bytes))).toBe(true);
    // Pinned: a change here changes every digest hash on the wire.
    expect(hash64(bytes)).toBe("2b2444a0db91def7");
    expect(hash64(new Uint8Array(0))).toBe("0000000000000000");
  });

  it("C-H2: equal bytes hash equally; distinct generated inputs hash differently", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), fc.uint8Array({ maxLength: 80 }), (a, b) => {
        expect(hash64(a)).toBe(hash64(a.slice()));
        const equal = a.length === b.length && a.every((x, i) => x === b[i]);
        expect(hash64(a) === hash64(b)).toBe(equal);
      }),
      { numRuns: 500 },
    );
  });

  it("C-H2: flipping any single bit changes the hash", () => {
    const base = new Uint8Array(37).map((_, i) => i * 7);
    const seen = new Set([hash64(base)]);
    for (let i = 0; i < base.length * 8; i++) {
      const b = base.slice();
      b[i >> 3] = b[i >> 3]! ^ (1 << (i & 7));
      seen.add(hash64(b));
    }
    expect(seen.size).toBe(base.length * 8 + 1);
  });
});
