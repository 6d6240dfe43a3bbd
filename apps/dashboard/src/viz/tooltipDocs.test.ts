import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { DOCS } from "./headerTiles.js";
import { LEGEND_DOCS } from "./legendHelp.js";

const ROOT = new URL("../../../../", import.meta.url);

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to dashes. */
function anchors(markdown: string): Set<string> {
  const out = new Set<string>();
  for (const line of markdown.split("\n")) {
    const m = /^#{1,6}\s+(.*)$/.exec(line);
    if (m) out.add(m[1]!.trim().toLowerCase().replace(/[^\p{L}\p{N}\s-]/gu, "").replace(/\s/g, "-"));
  }
  return out;
}

describe("tooltips point at docs sections that exist", () => {
  it.each([...Object.values(DOCS), ...LEGEND_DOCS])("%s", (ref) => {
    const [file, anchor] = ref.split("#") as [string, string | undefined];
    const path = new URL(file, ROOT);
    expect(existsSync(path), `${file} exists`).toBe(true);
    if (anchor) expect([...anchors(readFileSync(path, "utf8"))]).toContain(anchor);
  });
});
