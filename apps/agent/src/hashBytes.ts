// A state hash for replica sources: 64-bit FNV-1a over the canonical encoding of a state,
// as 16 hex digits. Plain JavaScript, so adapters run wherever their library does (Node,
// browsers, workers); hashes are compared for equality only, between a few thousand states.

/** 64-bit FNV-1a of `bytes`, as 16 lowercase hex digits. */
export function hashBytes(bytes: Uint8Array): string {
  // Two 32-bit lanes: the low and high halves of the 64-bit FNV state.
  let lo = 0x84222325;
  let hi = 0xcbf29ce4;
  for (let i = 0; i < bytes.length; i++) {
    lo = (lo ^ bytes[i]!) >>> 0;
    // Multiply (hi, lo) by the 64-bit FNV prime 0x100000001b3 = 2^40 + 0x1b3.
    const loMul = lo * 0x1b3;
    const carry = Math.floor(loMul / 0x100000000);
    hi = (Math.imul(hi, 0x1b3) + carry + (lo << 8)) >>> 0;
    lo = loMul >>> 0;
  }
  return hi.toString(16).padStart(8, "0") + lo.toString(16).padStart(8, "0");
}
