// Process-wide numbering of origin ids (the replica part of dots). Frames name an origin by its
// UTF-8 bytes; looking it up here by those bytes gives a small integer without building a string,
// so a replica can check "do I have dot (origin, seq)?" in a flat Int32Array (see Replica).

const names: string[] = [];
const encoded: Uint8Array[] = [];
const byName = new Map<string, number>();
/** FNV-1a hash of the UTF-8 bytes → first index with that hash; `next` chains collisions. */
const byHash = new Map<number, number>();
const next: number[] = [];
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

/** The index of the origin whose UTF-8 bytes are buf[off, off+len) (registered on first use). */
export function originIndexOfBytes(buf: Uint8Array, off: number, len: number): number {
  const h = fnv(buf, off, len);
  for (let i = byHash.get(h) ?? -1; i >= 0; i = next[i]!) {
    const e = encoded[i]!;
    if (e.length !== len) continue;
    let same = true;
    for (let k = 0; k < len; k++) {
      if (e[k] !== buf[off + k]) {
        same = false;
        break;
      }
    }
    if (same) return i;
  }
  const bytes = buf.slice(off, off + len);
  return register(new TextDecoder().decode(bytes), bytes, h);
}

/** True when origin number `index` exists and its UTF-8 bytes are buf[off, off+len). */
export function originFollows(index: number, buf: Uint8Array, off: number, len: number): boolean {
  const e = encoded[index];
  if (e === undefined || e.length !== len) return false;
  for (let k = 0; k < len; k++) if (e[k] !== buf[off + k]) return false;
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
  byName.set(name, i);
  next.push(byHash.get(h) ?? -1);
  byHash.set(h, i);
  return i;
}
