import type { SectionCoverage } from "../viz/sections.js";
import { coverageText } from "../viz/sections.js";

export interface SectionCoverageNoteProps {
  coverage: SectionCoverage;
}

/** Under a control section's heading: which live replicas apply it (their nodes declared it), which do not. */
export function SectionCoverageNote({ coverage: c }: SectionCoverageNoteProps) {
  const partial = c.notApplying.length > 0;
  const title = partial
    ? `Applied by: ${c.applying.join(", ") || "none"}\nNot applied by (their nodes did not declare the ${c.section} section): ${c.notApplying.join(", ")}`
    : `Every live replica's node applies the ${c.section} section`;
  return (
    <div className={`note coverage ${partial ? (c.applying.length === 0 ? "none" : "partial") : ""}`} title={title} data-testid={`section-${c.section}-coverage`} data-applying={c.applying.length} data-live={c.applying.length + c.notApplying.length}>
      applied by {coverageText(c)}
    </div>
  );
}
