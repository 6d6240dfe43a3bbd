import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { citedIn, definedIn, specProblems } from "./specIds.ts";

const ROOT = join(import.meta.dirname, "..");

/**
 * Workspaces whose tests cite rule ids, with their prefix: any id their tests cite fails
 * until their SPEC.md defines it.
 */
const PACKAGES: Array<[dir: string, prefix: string]> = [
  ["packages/crdt", "C"],
  ["packages/gossip", "G"],
  ["packages/protocol", "P"],
  ["apps/agent", "A"],
  ["apps/collector", "CL"],
  ["apps/dashboard", "UI"],
];

describe("rule ids", () => {
  for (const [dir, prefix] of PACKAGES) {
    it(`${dir}: every id its tests cite is defined in its SPEC.md, each once, and every defined id is cited`, () => {
      expect(specProblems(join(ROOT, dir), prefix)).toEqual([]);
    });
  }

  it("citations are read from test, describe and template titles; bare ids are caught, words with digits are not", () => {
    const source = [
      'describe("encoding (C-E5: building blocks)", () => {',
      "  it(`G-R1: ${mode}/${payload} converges`, () => {});",
      '  it.each([1])("C-AW1/C-AW2: add wins", () => {});',
      '  test("K3: the same over partial views", () => {});',
      '  it("AW1/AW2: unprefixed pair", () => {});',
      '  it("varints in the shortest LEB128 form, murmur3x86_128 and UTF-16", () => {});',
      '  expect("G-W9: not a title").toBe("");',
    ].join("\n");
    expect(citedIn(source)).toEqual({ ids: ["C-E5", "G-R1", "C-AW1", "C-AW2"], bare: ["K3", "AW1", "AW2"] });
  });

  it("definitions are the bold ids of a SPEC.md", () => {
    expect(definedIn("- **G-W1** a rule; see G-W2.\n**C-E1** Equal states. **C-E2** …")).toEqual(["G-W1", "C-E1", "C-E2"]);
  });
});
