// Operation generators over small domains, so that generated histories collide often.
import fc from "fast-check";
import type { AWMapOp } from "../src/AWMap.js";
import type { AWSetOp } from "../src/AWSet.js";
import type { GCounterOp } from "../src/GCounter.js";
import type { GSetOp } from "../src/GSet.js";
import type { LWWOp } from "../src/LWWRegister.js";
import type { MVRegisterOp } from "../src/MVRegister.js";
import type { PNCounterOp } from "../src/PNCounter.js";
import type { JsonValue, Primitive } from "../src/values.js";

/** Set elements: strings (incl. empty and non-ASCII), integers, a float, booleans, null. */
export const elementArb: fc.Arbitrary<Primitive> = fc.constantFrom<Primitive>("a", "b", "é", "", 1, -2, 2.5, true, false, null);

/** Register values: a few primitives and small structures. */
export const valueArb: fc.Arbitrary<JsonValue> = fc.oneof(
  fc.constantFrom<JsonValue>("x", "y", 0, 7.25, true, null),
  fc.constant<JsonValue>({ b: [1, "two"], a: null }),
  fc.constant<JsonValue>([[], {}]),
);

/** Map keys. */
export const keyArb: fc.Arbitrary<Primitive> = fc.constantFrom<Primitive>("k1", "k2", 3, null);

export const gcounterOpArb: fc.Arbitrary<GCounterOp> = fc.record({ type: fc.constant("increment" as const), amount: fc.integer({ min: 0, max: 5 }) });
export const pncounterOpArb: fc.Arbitrary<PNCounterOp> = fc.record({
  type: fc.constantFrom("increment" as const, "decrement" as const),
  amount: fc.integer({ min: 0, max: 5 }),
});
export const gsetOpArb: fc.Arbitrary<GSetOp> = fc.record({ type: fc.constant("add" as const), element: elementArb });
export const awsetOpArb: fc.Arbitrary<AWSetOp> = fc.record({ type: fc.constantFrom("add" as const, "remove" as const), element: elementArb });
/** Timestamps from a tiny range: ties are common, so the replica/seq tie-break is exercised. */
export const lwwOpArb: fc.Arbitrary<LWWOp> = fc.record({ type: fc.constant("set" as const), value: valueArb, timestamp: fc.integer({ min: 0, max: 3 }) });
export const mvOpArb: fc.Arbitrary<MVRegisterOp> = fc.record({ type: fc.constant("set" as const), value: valueArb });

/** AWMap ops: mostly updates, some removes. */
export function awmapOpArb<Op>(nested: fc.Arbitrary<Op>): fc.Arbitrary<AWMapOp<Op>> {
  return fc.oneof(
    { weight: 3, arbitrary: fc.record({ type: fc.constant("update" as const), key: keyArb, op: nested }) },
    { weight: 1, arbitrary: fc.record({ type: fc.constant("remove" as const), key: keyArb }) },
  );
}
