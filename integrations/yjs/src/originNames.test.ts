import * as Y from "yjs";
import { describe, expect, it } from "vitest";
import { observeYDoc } from "./index.js";
import { ORIGINS_MAP } from "./originNames.js";

const sync = (from: Y.Doc, to: Y.Doc) => Y.applyUpdate(to, Y.encodeStateAsUpdate(from, Y.encodeStateVector(to)));
const vector = (source: ReturnType<typeof observeYDoc>) => Object.fromEntries(source.digest().versionVector);

describe("origin names of Yjs clients", () => {
  it("a session is named after its replica's id with its first local change, and every replica uses that name", () => {
    const a = new Y.Doc();
    const b = new Y.Doc();
    const sa = observeYDoc(a, { id: "editor-a" });
    const sb = observeYDoc(b, { id: "editor-b" });
    a.getText("t").insert(0, "hi"); // the claim (1 dot) and two characters
    sync(a, b);
    expect(vector(sa)).toEqual({ "editor-a": 3 });
    expect(vector(sb)).toEqual({ "editor-a": 3 });
    expect(sb.versionVectorEntry("editor-a")).toBe(3);
    expect(sb.versionVectorEntry("editor-b")).toBe(0); // b has not written anything: no claim yet
  });

  it("a restarted replica that kept its document keeps its id and names its new session id:1", () => {
    const first = new Y.Doc();
    observeYDoc(first, { id: "editor-a" });
    first.getText("t").insert(0, "abc");
    const stored = Y.encodeStateAsUpdate(first);
    const restarted = new Y.Doc(); // a new process: a new client id
    const source = observeYDoc(restarted, { id: "editor-a" });
    Y.applyUpdate(restarted, stored);
    restarted.getText("t").insert(3, "d");
    expect(source.id).toBe("editor-a");
    expect(vector(source)).toEqual({ "editor-a": 4, "editor-a:1": 2 });
    expect(source.digest().versionVector).toBeInstanceOf(Map);
  });

  it("two sessions claiming one name (a restart without the document that reused the id) are told apart the same way everywhere", () => {
    const x = new Y.Doc();
    const y = new Y.Doc();
    observeYDoc(x, { id: "r" });
    observeYDoc(y, { id: "r" });
    x.getText("t").insert(0, "x");
    y.getText("t").insert(0, "y");
    sync(x, y);
    sync(y, x);
    const low = Math.min(x.clientID, y.clientID);
    const high = Math.max(x.clientID, y.clientID);
    const expected = { r: 2, [`r:c${high}`]: 2 };
    expect(Object.fromEntries(observeYDoc(x, { id: "viewer-x" }).digest().versionVector)).toEqual(expected);
    expect(Object.fromEntries(observeYDoc(y, { id: "viewer-y" }).digest().versionVector)).toEqual(expected);
    expect(low).not.toBe(high);
  });

  it('with origins: "client-id" nothing is written into the document and origins are client ids', () => {
    const doc = new Y.Doc();
    const source = observeYDoc(doc, { id: "plain", origins: "client-id" });
    doc.getText("t").insert(0, "abc");
    expect(doc.getMap(ORIGINS_MAP).size).toBe(0);
    expect(vector(source)).toEqual({ [String(doc.clientID)]: 3 });
  });
});
