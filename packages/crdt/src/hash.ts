// MurmurHash3 x86_128 (Austin Appleby, public domain), bit for bit: 32-bit arithmetic only
// (Math.imul), so it is fast in any JS engine and needs no BigInt.

const C1 = 0x239b961b;
const C2 = 0xab0e9789;
const C3 = 0x38b34ae5;
const C4 = 0xa1e38b93;

function rotl(x: number, r: number): number {
  return (x << r) | (x >>> (32 - r));
}

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h;
}

/** MurmurHash3 x86_128 of `bytes` with a 32-bit seed: four unsigned 32-bit words h1..h4. */
export function murmur3x86_128(bytes: Uint8Array, seed = 0): [number, number, number, number] {
  const len = bytes.length;
  const blockEnd = len - (len & 15);
  let h1 = seed | 0;
  let h2 = h1;
  let h3 = h1;
  let h4 = h1;
  let i = 0;
  for (; i < blockEnd; i += 16) {
    let k1 = bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24);
    let k2 = bytes[i + 4]! | (bytes[i + 5]! << 8) | (bytes[i + 6]! << 16) | (bytes[i + 7]! << 24);
    let k3 = bytes[i + 8]! | (bytes[i + 9]! << 8) | (bytes[i + 10]! << 16) | (bytes[i + 11]! << 24);
    let k4 = bytes[i + 12]! | (bytes[i + 13]! << 8) | (bytes[i + 14]! << 16) | (bytes[i + 15]! << 24);

    k1 = Math.imul(rotl(Math.imul(k1, C1), 15), C2);
    h1 ^= k1;
    h1 = rotl(h1, 19);
    h1 = (h1 + h2) | 0;
    h1 = (Math.imul(h1, 5) + 0x561ccd1b) | 0;

    k2 = Math.imul(rotl(Math.imul(k2, C2), 16), C3);
    h2 ^= k2;
    h2 = rotl(h2, 17);
    h2 = (h2 + h3) | 0;
    h2 = (Math.imul(h2, 5) + 0x0bcaa747) | 0;

    k3 = Math.imul(rotl(Math.imul(k3, C3), 17), C4);
    h3 ^= k3;
    h3 = rotl(h3, 15);
    h3 = (h3 + h4) | 0;
    h3 = (Math.imul(h3, 5) + 0x96cd1c35) | 0;

    k4 = Math.imul(rotl(Math.imul(k4, C4), 18), C1);
    h4 ^= k4;
    h4 = rotl(h4, 13);
    h4 = (h4 + h1) | 0;
    h4 = (Math.imul(h4, 5) + 0x32ac3b17) | 0;
  }

  let k1 = 0;
  let k2 = 0;
  let k3 = 0;
  let k4 = 0;
  // The tail (len mod 16 bytes), as the reference's fall-through switch.
  const rem = len & 15;
  if (rem > 12) {
    if (rem >= 15) k4 ^= bytes[i + 14]! << 16;
    if (rem >= 14) k4 ^= bytes[i + 13]! << 8;
    k4 ^= bytes[i + 12]!;
    k4 = Math.imul(rotl(Math.imul(k4, C4), 18), C1);
    h4 ^= k4;
  }
  if (rem > 8) {
    if (rem >= 12) k3 ^= bytes[i + 11]! << 24;
    if (rem >= 11) k3 ^= bytes[i + 10]! << 16;
    if (rem >= 10) k3 ^= bytes[i + 9]! << 8;
    k3 ^= bytes[i + 8]!;
    k3 = Math.imul(rotl(Math.imul(k3, C3), 17), C4);
    h3 ^= k3;
  }
  if (rem > 4) {
    if (rem >= 8) k2 ^= bytes[i + 7]! << 24;
    if (rem >= 7) k2 ^= bytes[i + 6]! << 16;
    if (rem >= 6) k2 ^= bytes[i + 5]! << 8;
    k2 ^= bytes[i + 4]!;
    k2 = Math.imul(rotl(Math.imul(k2, C2), 16), C3);
    h2 ^= k2;
  }
  if (rem > 0) {
    if (rem >= 4) k1 ^= bytes[i + 3]! << 24;
    if (rem >= 3) k1 ^= bytes[i + 2]! << 16;
    if (rem >= 2) k1 ^= bytes[i + 1]! << 8;
    k1 ^= bytes[i]!;
    k1 = Math.imul(rotl(Math.imul(k1, C1), 15), C2);
    h1 ^= k1;
  }

  // The reference mixes in the length as a 32-bit value.
  h1 ^= len;
  h2 ^= len;
  h3 ^= len;
  h4 ^= len;
  h1 = (h1 + h2) | 0;
  h1 = (h1 + h3) | 0;
  h1 = (h1 + h4) | 0;
  h2 = (h2 + h1) | 0;
  h3 = (h3 + h1) | 0;
  h4 = (h4 + h1) | 0;
  h1 = fmix(h1);
  h2 = fmix(h2);
  h3 = fmix(h3);
  h4 = fmix(h4);
  h1 = (h1 + h2) | 0;
  h1 = (h1 + h3) | 0;
  h1 = (h1 + h4) | 0;
  h2 = (h2 + h1) | 0;
  h3 = (h3 + h1) | 0;
  h4 = (h4 + h1) | 0;
  return [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0];
}

function hex32(x: number): string {
  return x.toString(16).padStart(8, "0");
}

/**
 * Stable 64-bit content hash of bytes as 16 lowercase hex chars: the first two words
 * (h1, h2) of MurmurHash3 x86_128 with seed 0.
 * @example hash64(new TextEncoder().encode("hello")) // always the same 16 hex chars
 */
export function hash64(bytes: Uint8Array): string {
  const [h1, h2] = murmur3x86_128(bytes, 0);
  return hex32(h1) + hex32(h2);
}

/** Full 128-bit MurmurHash3 x86_128 (seed 0) as 32 lowercase hex chars. */
export function hash128(bytes: Uint8Array): string {
  const [h1, h2, h3, h4] = murmur3x86_128(bytes, 0);
  return hex32(h1) + hex32(h2) + hex32(h3) + hex32(h4);
}
