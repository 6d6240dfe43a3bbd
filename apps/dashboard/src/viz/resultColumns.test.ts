import { describe, expect, it } from "vitest";
import { testPoint } from "../testPoints.js";
import { RESULT_COLUMNS, withExperimentColumn } from "./resultColumns.js";

const cell = (key: string, p = testPoint(3, { intervalMs: 1000 }, { p95AtLeast: true })) => RESULT_COLUMNS.find((c) => c.key === key)!.text(p);

describe("results table", () => {
  it("shows every figure with its unit, and ≥ on a percentile that is only a lower bound", () => {
    expect(cell("interval")).toBe("1 s");
    expect(cell("p50")).toBe("500 ms");
    expect(cell("p95")).toBe("≥ 1 s");
    expect(cell("bytes")).toBe("270 B/s");
    expect(cell("syncExpected")).toBe("1.9 s");
    expect(RESULT_COLUMNS.every((c) => c.title.length > 5)).toBe(true);
  });
  it("the CSV of compared experiments keeps the collector's columns behind an experiment column", () => {
    const csv = "index,interval_ms\r\n0,10\r\n1,100\r\n";
    expect(withExperimentColumn("exp-1", csv, true)).toBe("experiment,index,interval_ms\r\nexp-1,0,10\r\nexp-1,1,100\r\n");
    expect(withExperimentColumn("exp-2", csv, false)).toBe("exp-2,0,10\r\nexp-2,1,100\r\n");
  });
});
