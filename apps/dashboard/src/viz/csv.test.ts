import { describe, expect, it } from "vitest";
import { columnsToRows, csvCell, toCsv } from "./csv.js";

describe("csv", () => {
  it("quotes what needs quoting and leaves numbers exact", () => {
    expect(csvCell('say "hi", bye')).toBe('"say ""hi"", bye"');
    expect(csvCell(0.1 + 0.2)).toBe("0.30000000000000004");
    expect(csvCell(Number.NaN)).toBe("");
    expect(csvCell(null)).toBe("");
    expect(csvCell("r-1")).toBe("r-1");
  });
  it("defuses formulas", () => {
    expect(csvCell("=HYPERLINK(1)")).toBe("'=HYPERLINK(1)");
  });
  it("builds a document from parallel columns", () => {
    const csv = toCsv(["time_ms", "p50_ms"], columnsToRows([[1, 2], [10, Number.NaN]], 2));
    expect(csv).toBe("time_ms,p50_ms\r\n1,10\r\n2,\r\n");
  });
});
