import { describe, expect, it } from "vitest";
import { hashBytes } from "./hashBytes.js";

const bytes = (s: string) => new TextEncoder().encode(s);

describe("hashBytes", () => {
  it("is 64-bit FNV-1a (published test vectors)", () => {
    expect(hashBytes(bytes(""))).toBe("cbf29ce484222325");
    expect(hashBytes(bytes("a"))).toBe("af63dc4c8601ec8c");
    expect(hashBytes(bytes("foobar"))).toBe("85944171f73967e8");
  });
});
