import { describe, expect, it } from "vitest";
import { DOCS } from "./headerTiles.js";
import { TOPOLOGY_LEGEND } from "../charts/topologyPicture.js";
import { EXPERIMENT_LEGEND_DOCS } from "./experimentLegendHelp.js";
import { LEGEND_DOCS } from "./legendHelp.js";

// The repository's docs, as text (Vite reads them at test time).
const DOC_FILES = import.meta.glob("../../../../docs/*.md", { query: "?raw", import: "default", eager: true }) as Record<string, string>;
const docText = (file: string) => DOC_FILES[`../../../../${file}`];

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
  const topology = TOPOLOGY_LEGEND.map((l) => /More: (\S+)/.exec(l.title)![1]!);
  it.each([...new Set([...Object.values(DOCS), ...LEGEND_DOCS, ...EXPERIMENT_LEGEND_DOCS, ...topology])])("%s", (ref) => {
    const [file, anchor] = ref.split("#") as [string, string | undefined];
    const text = docText(file);
    expect(text, `${file} exists`).toBeDefined();
    if (anchor) expect([...anchors(text!)]).toContain(anchor);
  });
});
