// Process-wide numbering of origin ids (the replica part of dots). Frames name an origin by its
// UTF-8 bytes; looking it up here by those bytes gives a small integer without building a string,
// so a replica can check "do I have dot (origin, seq)?" in a flat Int32Array (see Replica).

/**
 * Tags version vectors numbered by this process's table, so a receiver in another process
 * (a transport that wrongly claimed to be in-process) rejects them instead of misreading them.
 */
export const PROCESS_TAG = (Math.random() * 0x1_0000_0000) >>> 0;

const names: string[] = [];
const encoded: Uint8Array[] = [];
const byName = new Map<string, number>();
/**
 * Open-addressing table by FNV-1a hash of the UTF-8 bytes: slot → origin index + 1 (0 = empty),
 * with the full hashes alongside. Every received frame and vector entry is looked up here, so it
 * is two flat arrays rather than a Map (kept at most half full).
 */
let slots = new Int32Array(1024);
let slotHashes = new Uint32Array(1024);
const hashes: number[] = [];
/** Every origin's UTF-8 bytes back to back (compared in place: no per-origin array to chase). */
let pool = new Uint8Array(16 * 1024);
let poolUsed = 0;
const poolAt: number[] = [];
const encoder = new TextEncoder();

function fnv(buf: Uint8Array, off: number, len: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < len; i++) h = Math.imul(h ^ buf[off + i]!, 0x01000193);
  return h >>> 0;
}

/** The index of origin `name` (registered on first use). */
export function originIndex(name: string): number {
  const known = byName.get(name);
  if (known !== undefined) return known;
  const bytes = encoder.encode(name);
  return register(name, bytes, fnv(bytes, 0, bytes.length));
}

/**
 * In front of the table, for names of 1–4 bytes (replica ids like "r12"): a direct-mapped cache
 * keyed by the bytes themselves, one probe and no hashing loop — every frame received is looked
 * up, so this is the commonest lookup of all. Origins are never removed: entries never go stale.
 */
const CACHE_BITS = 12;
const cacheKey = new Int32Array(1 << CACHE_BITS);
/** The name's length (0: empty entry) and its origin index. */
const cacheLen = new Uint8Array(1 << CACHE_BITS);
const cacheIndex = new Int32Array(1 << CACHE_BITS);

/** The index of the origin whose UTF-8 bytes are buf[off, off+len) (registered on first use). */
export function originIndexOfBytes(buf: Uint8Array, off: number, len: number): number {
  if (len === 0 || len > 4) return lookup(buf, off, len);
  let key = 0;
  for (let i = 0; i < len; i++) key = (key << 8) | buf[off + i]!;
  const at = Math.imul(key ^ (len << 29), 0x9e3779b1) >>> (32 - CACHE_BITS);
  if (cacheLen[at] === len && cacheKey[at] === key) return cacheIndex[at]!;
  const index = lookup(buf, off, len);
  cacheKey[at] = key;
  cacheLen[at] = len;
  cacheIndex[at] = index;
  return index;
}

function lookup(buf: Uint8Array, off: number, len: number): number {
  const h = fnv(buf, off, len);
  const mask = slots.length - 1;
  for (let s = h & mask; ; s = (s + 1) & mask) {
    const entry = slots[s]!;
    if (entry === 0) break;
    if (slotHashes[s] !== h || poolAt[entry]! - poolAt[entry - 1]! !== len) continue;
    if (sameBytes(poolAt[entry - 1]!, buf, off, len)) return entry - 1;
  }
  const bytes = buf.slice(off, off + len);
  return register(new TextDecoder().decode(bytes), bytes, h);
}

/** True when origin number `index` exists and its UTF-8 bytes are buf[off, off+len). */
export function originFollows(index: number, buf: Uint8Array, off: number, len: number): boolean {
  if (index >= names.length || poolAt[index + 1]! - poolAt[index]! !== len) return false;
  return sameBytes(poolAt[index]!, buf, off, len);
}

function sameBytes(at: number, buf: Uint8Array, off: number, len: number): boolean {
  const p = pool;
  for (let k = 0; k < len; k++) if (p[at + k] !== buf[off + k]) return false;
  return true;
}

/** The UTF-8 bytes of an origin id (do not mutate). */
export function originBytes(index: number): Uint8Array {
  return encoded[index]!;
}

/** The origin id of an index. */
export function originName(index: number): string {
  return names[index]!;
}

/** How many origins are registered (an upper bound for per-replica tables). */
export function originCount(): number {
  return names.length;
}

function register(name: string, bytes: Uint8Array, h: number): number {
  const existing = byName.get(name);
  if (existing !== undefined) return existing;
  const i = names.length;
  names.push(name);
  encoded.push(bytes);
  if (poolAt.length === 0) poolAt.push(0);
  if (poolUsed + bytes.length > pool.length) {
    const next = new Uint8Array(Math.max(pool.length * 2, poolUsed + bytes.length));
    next.set(pool.subarray(0, poolUsed));
    pool = next;
  }
  pool.set(bytes, poolUsed);
  poolUsed += bytes.length;
  poolAt.push(poolUsed);
  hashes.push(h);
  byName.set(name, i);
  if ((i + 1) * 2 > slots.length) {
    slots = new Int32Array(slots.length * 2);
    slotHashes = new Uint32Array(slots.length);
    for (let k = 0; k < i; k++) place(k, hashes[k]!);
  }
  place(i, h);
  return i;
}

function place(index: number, h: number): void {
  const mask = slots.length - 1;
  let s = h & mask;
  while (slots[s] !== 0) s = (s + 1) & mask;
  slots[s] = index + 1;
  slotHashes[s] = h;
}
