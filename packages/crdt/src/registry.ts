// Types by name (for CLIs and configs) and random valid operations (for workload generators).
import { AWMap } from "./AWMap.js";
import { AWSet } from "./AWSet.js";
import type { CrdtType, CrdtTypeName } from "./CrdtType.js";
import { GCounter } from "./GCounter.js";
import { GSet } from "./GSet.js";
import { LWWRegister } from "./LWWRegister.js";
import { MVRegister } from "./MVRegister.js";
import { PNCounter } from "./PNCounter.js";

/** Every type name, in a stable order. */
export const CRDT_TYPE_NAMES: readonly CrdtTypeName[] = Object.freeze(["gcounter", "pncounter", "gset", "awset", "lww", "mvregister", "awmap"]);

/** The nested type `crdtTypeByName("awmap")` uses: a map of multi-value registers. */
export const DEFAULT_AWMAP_NESTED = MVRegister;

/** Registry for CLIs/configs: a type by name ("awmap" is AWMap(MVRegister)). Throws TypeError on an unknown name. */
export function crdtTypeByName(name: CrdtTypeName): CrdtType<unknown, unknown, unknown> {
  switch (name) {
    case "gcounter":
      return erase(GCounter);
    case "pncounter":
      return erase(PNCounter);
    case "gset":
      return erase(GSet);
    case "awset":
      return erase(AWSet);
    case "lww":
      return erase(LWWRegister);
    case "mvregister":
      return erase(MVRegister);
    case "awmap":
      return erase(AWMap(DEFAULT_AWMAP_NESTED));
    default:
      throw new TypeError(`unknown CRDT type "${String(name)}"; known: ${CRDT_TYPE_NAMES.join(", ")}`);
  }
}

function erase<S, Op, V>(type: CrdtType<S, Op, V>): CrdtType<unknown, unknown, unknown> {
  return type as unknown as CrdtType<unknown, unknown, unknown>;
}

/** Knobs of {@link randomOp}. */
export interface RandomOpOptions {
  /** Distinct set elements ("e0".."e{n-1}"); small, so that adds and removes meet. Default 32. */
  readonly domainSize?: number;
  /** Distinct map keys ("k0".."k{n-1}"). Default 8. */
  readonly keyCount?: number;
  /** Share of AWSet ops that are removes. Default 0.4. */
  readonly removeShare?: number;
  /** Share of AWMap ops that remove a key. Default 0.1. */
  readonly keyRemoveShare?: number;
}

function pick(rand: () => number, n: number): number {
  return Math.min(n - 1, Math.floor(rand() * n));
}

/**
 * A random but valid operation for a type (workload generators use it); rand() in [0,1).
 * Sets draw from a bounded element domain so both adds and removes occur; registers write
 * `"<replica>#<seq>"`, LWW with timestamp `nowMs`.
 * @example replica.update(randomOp(replica.type, Math.random, replica.replicaId, replica.seq + 1, Date.now()))
 */
export function randomOp(
  type: CrdtType<any, any, any>, // eslint-disable-line @typescript-eslint/no-explicit-any
  rand: () => number,
  replica: string,
  seq: number,
  nowMs: number,
  options: RandomOpOptions = {},
): unknown {
  const domain = options.domainSize ?? 32;
  switch (type.name) {
    case "gcounter":
      return { type: "increment", amount: 1 };
    case "pncounter":
      return { type: rand() < 0.5 ? "increment" : "decrement", amount: 1 };
    case "gset":
      return { type: "add", element: `e${pick(rand, domain)}` };
    case "awset":
      return { type: rand() < (options.removeShare ?? 0.4) ? "remove" : "add", element: `e${pick(rand, domain)}` };
    case "lww":
      return { type: "set", value: `${replica}#${seq}`, timestamp: nowMs };
    case "mvregister":
      return { type: "set", value: `${replica}#${seq}` };
    case "awmap": {
      const nested = type.nested;
      if (nested === undefined) throw new TypeError("awmap type without a nested type");
      const key = `k${pick(rand, options.keyCount ?? 8)}`;
      if (rand() < (options.keyRemoveShare ?? 0.1)) return { type: "remove", key };
      return { type: "update", key, op: randomOp(nested, rand, replica, seq, nowMs, options) };
    }
    default:
      throw new TypeError(`randomOp: unknown type ${String(type.name)}`);
  }
}
