import { describe, expect, it } from "vitest";
import { parseReferenceCsv, splitCsvLine } from "./referencePoints.js";

describe("reference points from CSV", () => {
  it("reads the thesis' table: interval, mean convergence and messages per second", () => {
    const set = parseReferenceCsv("thesis.csv", "interval_ms,mean_ms,messages_per_sec\n100,180,40\n1000,1540,4\n");
    expect(set.convergenceFrom).toBe("mean");
    expect(set.points).toEqual([
      { intervalMs: 100, convergenceMs: 180, p95Ms: null, messagesPerSec: 40, bytesPerSec: null, updatesPerSec: null, label: null },
      { intervalMs: 1000, convergenceMs: 1540, p95Ms: null, messagesPerSec: 4, bytesPerSec: null, updatesPerSec: null, label: null },
    ]);
  });
  it("prefers p50 over the mean, matches headers loosely, and takes semicolons with decimal commas", () => {
    const set = parseReferenceCsv("ref.csv", '# from the paper\nInterval (ms);Mean (ms);P50 ms;Bytes/s;label\n250;300,5;280,5;1200;"a; b"\n');
    expect(set.convergenceFrom).toBe("p50");
    expect(set.points[0]).toMatchObject({ intervalMs: 250, convergenceMs: 280.5, bytesPerSec: 1200, label: "a; b" });
  });
  it("names the rows it could not read and keeps the others", () => {
    const set = parseReferenceCsv("r.csv", "interval_ms,p50_ms\nabc,5\n10,x\n20,30\n");
    expect(set.skipped).toEqual([{ line: 2, reason: 'interval "abc" is not a positive number' }]);
    expect(set.points.map((p) => [p.intervalMs, p.convergenceMs])).toEqual([[10, null], [20, 30]]);
  });
  it("refuses a file without an interval column, saying which header it read", () => {
    expect(() => parseReferenceCsv("x.csv", "time,value\n1,2\n")).toThrow(/no interval column .* "time,value"/);
    expect(() => parseReferenceCsv("e.csv", "\n\n")).toThrow(/empty/);
  });
  it("splits quoted cells with doubled quotes", () => {
    expect(splitCsvLine('a,"b ""c"", d",e', ",")).toEqual(["a", 'b "c", d', "e"]);
  });
});
