import { describe, expect, it } from "vitest";
import { sortRows, visibleRows, type TableColumns } from "./table.js";

const cols: TableColumns = {
  missingUpdates: [5, 0, 5, 9],
  stalenessMs: [100, 0, 300, 50],
  status: [0, 0, 2, 0],
  updatesPerSec: [1, 1, 0, 1],
  messagesPerSec: [2, 2, 0, 2],
  bytesPerSec: [10, 20, 0, 30],
  configVersion: [3, 3, 2, 3],
  stateGroup: [1, 0, 2, 1],
};
const ids = ["r-10", "r-2", "r-1", "r-3"];

describe("replica table", () => {
  it("sorts ids numerically, not as text", () => {
    expect(sortRows(ids, cols, "id", false).map((i) => ids[i])).toEqual(["r-1", "r-2", "r-3", "r-10"]);
  });
  it("sorts by a figure, worst first, ties by id", () => {
    expect(sortRows(ids, cols, "missing", true).map((i) => ids[i])).toEqual(["r-3", "r-1", "r-10", "r-2"]);
    expect(sortRows(ids, cols, "staleness", false).map((i) => ids[i])).toEqual(["r-2", "r-3", "r-10", "r-1"]);
  });
  it("before the first frame, rows are in id order", () => {
    expect(sortRows(ids, null, "missing", true)).toHaveLength(4);
  });
  it("renders only the rows in view (plus overscan)", () => {
    expect(visibleRows(0, 260, 26, 1024, 0)).toEqual([0, 10]);
    expect(visibleRows(26 * 500, 260, 26, 1024, 5)).toEqual([495, 515]);
    expect(visibleRows(26 * 2000, 260, 26, 1024)).toEqual([1024, 1024]);
  });
});
