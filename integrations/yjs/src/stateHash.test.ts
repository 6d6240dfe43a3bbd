import * as Y from "yjs";
import { describe, expect, it } from "vitest";
import { digestYDoc } from "./stateHash.js";

describe("the Yjs state hash", () => {
  it("is equal for equal states whether or not deleted content was collected, where encodeStateAsUpdate is not", () => {
    const a = new Y.Doc();
    const b = new Y.Doc({ gc: false });
    a.getText("t").insert(0, "hello world");
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
    a.getText("t").delete(2, 5);
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
    expect(digestYDoc(a).hash).toBe(digestYDoc(b).hash);
    expect(Y.encodeStateAsUpdate(a)).not.toEqual(Y.encodeStateAsUpdate(b));
  });

  it("leaves pending updates out (they are not in the state until what they depend on arrives)", () => {
    const origin = new Y.Doc();
    origin.getText("t").insert(0, "ab");
    const base = Y.encodeStateAsUpdate(origin);
    const withPending = new Y.Doc();
    const without = new Y.Doc();
    Y.applyUpdate(withPending, base);
    Y.applyUpdate(without, base);
    const writer = new Y.Doc();
    Y.applyUpdate(writer, base);
    writer.getText("t").insert(0, "1");
    const afterFirst = Y.encodeStateVector(writer);
    writer.getText("t").insert(0, "2");
    Y.applyUpdate(withPending, Y.encodeStateAsUpdate(writer, afterFirst)); // "2" without "1"
    expect(withPending.store.pendingStructs).not.toBeNull();
    expect(digestYDoc(withPending).hash).toBe(digestYDoc(without).hash);
  });

  it("moves with a deletion, which leaves the state vector as it was", () => {
    const doc = new Y.Doc();
    doc.getText("t").insert(0, "abc");
    const before = digestYDoc(doc);
    const vector = Y.encodeStateVector(doc);
    doc.getText("t").delete(1, 1);
    const after = digestYDoc(doc);
    expect(Y.encodeStateVector(doc)).toEqual(vector);
    expect(after.hash).not.toBe(before.hash);
    expect([before.deleted, after.deleted]).toEqual([0, 1]);
  });
});
