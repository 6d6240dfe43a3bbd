// What a source says goes on the wire only in a form the collector accepts: one bad entry
// would get the whole report (every replica of the agent) refused. Sources we do not
// control — foreign nodes written in other languages — can produce values outside the
// protocol's alphabet.
import { ID_PATTERN, LIMITS } from "@driftscope/protocol";

const RESERVED = new Set(Object.getOwnPropertyNames(Object.prototype));
const HASH_PATTERN = /^[A-Za-z0-9+/=_-]+$/;
const validity = new Map<string, boolean>();

/** True when `id` is a valid replica id on the wire (cached: origins repeat every tick). */
export function isWireId(id: string): boolean {
  let ok = validity.get(id);
  if (ok === undefined) {
    ok = id.length > 0 && id.length <= LIMITS.idLength && ID_PATTERN.test(id) && !RESERVED.has(id);
    if (validity.size >= 100_000) validity.clear(); // bounded, whatever the sources do
    validity.set(id, ok);
  }
  return ok;
}

/** A valid seq: a safe integer ≥ 0. */
export function isWireSeq(seq: number): boolean {
  return Number.isSafeInteger(seq) && seq >= 0;
}

/** The hash as sent: itself when it fits the protocol, else a stable hex digest of it. */
export function wireHash(hash: string): string {
  if (hash.length > 0 && hash.length <= LIMITS.idLength && HASH_PATTERN.test(hash)) return hash;
  // FNV-1a, 2 × 32 bits: equal inputs still give equal outputs, which is all a hash is used for.
  let a = 0x811c9dc5;
  let b = 0x01000193;
  for (let i = 0; i < hash.length; i++) {
    const c = hash.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193) >>> 0;
    b = Math.imul(b ^ c ^ (i & 0xff), 0x01000193) >>> 0;
  }
  return `x${a.toString(16).padStart(8, "0")}${b.toString(16).padStart(8, "0")}`;
}

/** A size as sent: a non-negative safe integer. */
export function wireCount(n: number): number {
  return Number.isFinite(n) && n > 0 ? Math.min(Math.round(n), Number.MAX_SAFE_INTEGER) : 0;
}
