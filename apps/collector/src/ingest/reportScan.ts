// Reads a report's JSON text without building an [origin, seq] pair per version-vector
// entry: JSON.parse of those pairs was a third of the collector's busy time. The vv arrays
// are read here, strictly, into engine origin numbers and a counter array; the rest of the
// text (with each vv written `[]`) goes to JSON.parse and on to the usual validation. Any
// doubt — an escape, a number JSON.parse would read differently, an origin the engine has
// not numbered yet, a duplicate, a limit — returns undefined and the caller parses the whole
// text as before, so a refusal names the same field and reason.
import { LIMITS } from "@driftscope/protocol";
import { PACKED, type OriginNumbers, type PackedVv } from "../metrics/packedVv.js";

const QUOTE = 34;
const COMMA = 44;
const COLON = 58;
const OPEN = 91;
const CLOSE = 93;
const BRACE = 123;
const UNBRACE = 125;
const BACKSLASH = 92;
const ZERO = 48;
const NINE = 57;
/** 2^53 − 1 has 16 digits: more can only be an unsafe integer. */
const MAX_DIGITS = 16;

class Bail extends Error {}
const BAIL = new Bail();

export class ReportScanner {
  readonly #numbers: OriginNumbers;
  // Open addressing over (hash of the id's characters) → the id and its engine number.
  #names: Array<string | undefined> = new Array<string | undefined>(1024);
  #hashes = new Int32Array(1024);
  #values = new Int32Array(1024);
  #used = 0;
  /** Per engine number: the vector it was last seen in (duplicates). */
  #seenIn = new Int32Array(1024);
  #vector = 0;
  #ids = new Int32Array(4096);
  #seqs = new Float64Array(4096);
  #s = "";
  #p = 0;
  #end = 0;

  constructor(numbers: OriginNumbers) {
    this.#numbers = numbers;
  }

  /** The report object written in `s` from `from` to `end` (exclusive), or undefined when in doubt. */
  scan(s: string, from: number, end: number): object | undefined {
    this.#s = s;
    this.#p = from;
    this.#end = end;
    try {
      return this.#report();
    } catch (e) {
      if (e === BAIL) return undefined;
      throw e;
    } finally {
      this.#s = "";
    }
  }

  #report(): object | undefined {
    const s = this.#s;
    const pieces: string[] = [];
    let copiedTo = this.#p;
    /** Per replica element with a vv: its index, then where its entries start and end in the scratch arrays. */
    const ranges: number[] = [];
    let n = 0;
    let sawReplicas = false;
    this.#expect(BRACE);
    do {
      const key = this.#key();
      if (key === "replicas") {
        if (sawReplicas) throw BAIL;
        sawReplicas = true;
        if (s.charCodeAt(this.#p) !== OPEN) {
          this.#skipValue();
          continue;
        }
        this.#p++;
        if (s.charCodeAt(this.#p) === CLOSE) {
          this.#p++;
          continue;
        }
        for (let index = 0; ; index++) {
          if (s.charCodeAt(this.#p) === BRACE) {
            this.#p++;
            let sawVv = false;
            do {
              if (this.#key() === "vv" && s.charCodeAt(this.#p) === OPEN) {
                if (sawVv) throw BAIL;
                sawVv = true;
                const open = this.#p;
                const start = n;
                n = this.#vv(n);
                ranges.push(index, start, n);
                pieces.push(s.slice(copiedTo, open + 1));
                copiedTo = this.#p - 1; // the vv's closing bracket
              } else {
                this.#skipValue();
              }
            } while (this.#next(UNBRACE));
          } else {
            this.#skipValue();
          }
          if (!this.#next(CLOSE)) break;
        }
      } else {
        this.#skipValue();
      }
    } while (this.#next(UNBRACE));
    if (this.#p !== this.#end || !sawReplicas) throw BAIL;
    pieces.push(s.slice(copiedTo, this.#end));
    let report: { replicas: Array<Record<string | symbol, unknown>> };
    try {
      report = JSON.parse(pieces.join("")) as typeof report;
    } catch {
      throw BAIL;
    }
    if (!Array.isArray(report.replicas)) throw BAIL; // refused by the checks: let them say so
    let entries = n;
    for (const r of report.replicas) {
      if (Array.isArray(r?.issued)) entries += r.issued.length;
      if (Array.isArray(r?.included)) entries += r.included.length;
    }
    if (entries > LIMITS.entriesPerReport) throw BAIL;
    const ids = this.#ids.slice(0, n);
    const seqs = this.#seqs.slice(0, n);
    for (let k = 0; k < ranges.length; k += 3) {
      const packed: PackedVv = { ids, seqs, from: ranges[k + 1]!, to: ranges[k + 2]!, names: this.#numbers };
      report.replicas[ranges[k]!]![PACKED] = packed;
    }
    return report;
  }

  /** A vv array at the cursor, entries appended from `n`; returns the new count. */
  #vv(n: number): number {
    const s = this.#s;
    if (this.#vector === 0x7fffffff) {
      // The marks are 32-bit: start them over rather than let them wrap into false "not seen".
      this.#seenIn.fill(0);
      this.#vector = 0;
    }
    const vector = ++this.#vector;
    const start = n;
    let p = this.#p + 1;
    if (s.charCodeAt(p) === CLOSE) {
      this.#p = p + 1;
      return n;
    }
    for (;;) {
      if (s.charCodeAt(p) !== OPEN || s.charCodeAt(p + 1) !== QUOTE) throw BAIL;
      p += 2;
      const from = p;
      let h = 0x811c9dc5 | 0;
      let c = s.charCodeAt(p);
      while (c !== QUOTE) {
        if (c === BACKSLASH || c < 32 || p >= this.#end) throw BAIL;
        h = Math.imul(h ^ c, 16777619);
        c = s.charCodeAt(++p);
      }
      const to = p;
      if (to === from || to - from > LIMITS.idLength || s.charCodeAt(p + 1) !== COMMA) throw BAIL;
      p += 2;
      // A JSON integer: no sign, fraction, exponent or leading zero (JSON.parse would read those otherwise, or refuse).
      c = s.charCodeAt(p);
      if (c < ZERO || c > NINE || (c === ZERO && s.charCodeAt(p + 1) !== CLOSE)) throw BAIL;
      let value = 0;
      let digits = 0;
      while (c >= ZERO && c <= NINE) {
        value = value * 10 + (c - ZERO);
        if (++digits > MAX_DIGITS) throw BAIL;
        c = s.charCodeAt(++p);
      }
      if (c !== CLOSE || value > Number.MAX_SAFE_INTEGER) throw BAIL;
      p++;
      const id = this.#number(from, to, h);
      if (this.#seenIn[id] === vector) throw BAIL;
      this.#seenIn[id] = vector;
      if (n - start >= LIMITS.vvEntries) throw BAIL;
      if (n >= this.#ids.length) this.#grow();
      this.#ids[n] = id;
      this.#seqs[n] = value;
      n++;
      c = s.charCodeAt(p++);
      if (c === CLOSE) break;
      if (c !== COMMA) throw BAIL;
    }
    this.#p = p;
    return n;
  }

  /** The engine number of the id written in [from, to); an id it does not know yet bails. */
  #number(from: number, to: number, hash: number): number {
    const s = this.#s;
    const mask = this.#names.length - 1;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const name = this.#names[slot];
      if (name === undefined) break;
      if (this.#hashes[slot] !== hash || name.length !== to - from) continue;
      let same = true;
      for (let i = 0; i < name.length; i++) {
        if (name.charCodeAt(i) !== s.charCodeAt(from + i)) {
          same = false;
          break;
        }
      }
      if (same) return this.#values[slot]!;
    }
    const name = s.slice(from, to);
    const id = this.#numbers.lookup(name);
    if (id === undefined) throw BAIL; // a new origin: the usual path validates and numbers it
    this.#remember(name, hash, id);
    return id;
  }

  #remember(name: string, hash: number, id: number): void {
    if (2 * (this.#used + 1) > this.#names.length) {
      const old = this.#names;
      const oldHashes = this.#hashes;
      const oldValues = this.#values;
      this.#names = new Array<string | undefined>(old.length * 2);
      this.#hashes = new Int32Array(old.length * 2);
      this.#values = new Int32Array(old.length * 2);
      this.#used = 0;
      for (let i = 0; i < old.length; i++) if (old[i] !== undefined) this.#remember(old[i]!, oldHashes[i]!, oldValues[i]!);
    }
    const mask = this.#names.length - 1;
    let slot = hash & mask;
    while (this.#names[slot] !== undefined) slot = (slot + 1) & mask;
    this.#names[slot] = name;
    this.#hashes[slot] = hash;
    this.#values[slot] = id;
    this.#used++;
    if (id >= this.#seenIn.length) {
      const grown = new Int32Array(Math.max(id + 1, this.#seenIn.length * 2));
      grown.set(this.#seenIn);
      this.#seenIn = grown;
    }
  }

  #grow(): void {
    const ids = new Int32Array(this.#ids.length * 2);
    ids.set(this.#ids);
    this.#ids = ids;
    const seqs = new Float64Array(this.#seqs.length * 2);
    seqs.set(this.#seqs);
    this.#seqs = seqs;
  }

  #expect(c: number): void {
    if (this.#s.charCodeAt(this.#p) !== c) throw BAIL;
    this.#p++;
  }

  /** After a value: true at a comma (another member follows), false at `close`; anything else bails. */
  #next(close: number): boolean {
    const c = this.#s.charCodeAt(this.#p++);
    if (c === COMMA) return true;
    if (c === close) return false;
    throw BAIL;
  }

  /** A member's key (no escapes) and its colon; returns the key when it is one we look for. */
  #key(): "replicas" | "vv" | undefined {
    const s = this.#s;
    if (s.charCodeAt(this.#p) !== QUOTE) throw BAIL;
    const from = ++this.#p;
    let c = s.charCodeAt(this.#p);
    while (c !== QUOTE) {
      if (c === BACKSLASH || this.#p >= this.#end) throw BAIL;
      c = s.charCodeAt(++this.#p);
    }
    const length = this.#p - from;
    this.#p++;
    this.#expect(COLON);
    if (length === 2 && s.startsWith("vv", from)) return "vv";
    if (length === 8 && s.startsWith("replicas", from)) return "replicas";
    return undefined;
  }

  /** Moves past one value of any kind, up to the comma or bracket after it; JSON.parse of the rest judges it. */
  #skipValue(): void {
    const s = this.#s;
    const end = this.#end;
    let p = this.#p;
    let depth = 0;
    for (;;) {
      if (p >= end) throw BAIL;
      const c = s.charCodeAt(p);
      if (c === QUOTE) {
        p++;
        for (let d = s.charCodeAt(p); d !== QUOTE; d = s.charCodeAt(p)) {
          if (p >= end) throw BAIL;
          p += d === BACKSLASH ? 2 : 1;
        }
        p++;
      } else if (c === OPEN || c === BRACE) {
        depth++;
        p++;
      } else if (c === CLOSE || c === UNBRACE) {
        if (depth === 0) break;
        depth--;
        p++;
      } else if (c === COMMA && depth === 0) {
        break;
      } else {
        p++;
      }
    }
    this.#p = p;
  }
}
