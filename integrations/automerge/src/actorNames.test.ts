import * as A from "@automerge/automerge";
import { describe, expect, it } from "vitest";
import { actorFor, originOfActor } from "./actorNames.js";

describe("actor names", () => {
  it("an actor made from a replica id reads back as that id", () => {
    expect(actorFor("editor-a")).toBe("656469746f722d61");
    expect(originOfActor(actorFor("editor-a"))).toBe("editor-a");
    expect(originOfActor(A.getActorId(A.init({ actor: actorFor("r.1:x_y") })))).toBe("r.1:x_y");
  });

  it("a random actor is named by its hex", () => {
    const actor = A.getActorId(A.init());
    expect(originOfActor(actor)).toBe(actor);
  });

  it("refuses ids the protocol would refuse", () => {
    expect(() => actorFor("no spaces")).toThrow(TypeError);
    expect(() => actorFor("")).toThrow(TypeError);
  });
});
