import { describe, expect, it } from "vitest";
import { EMPTY_RUN_START, describeRunStart, parseRunStart } from "./runStartConfig.js";

describe("the config a new run starts with", () => {
  it("blank fields start the run with the config in force", () => {
    expect(parseRunStart(EMPTY_RUN_START)).toEqual({ ok: true, patch: undefined });
    expect(describeRunStart(undefined)).toBe("the config in force");
  });

  it("typed fields become one config change, only of what was typed", () => {
    const parsed = parseRunStart({ intervalMs: " 200 ", fanout: "", updatesPerSecPerReplica: "10" });
    expect(parsed).toEqual({ ok: true, patch: { gossip: { intervalMs: 200 }, workload: { updatesPerSecPerReplica: 10 } } });
    if (parsed.ok) expect(describeRunStart(parsed.patch)).toBe("interval 200 ms, 10 updates/s per replica");
  });

  it("refuses what the collector would, with the reason next to the field", () => {
    const parsed = parseRunStart({ intervalMs: "5", fanout: "two", updatesPerSecPerReplica: "" });
    expect(parsed).toEqual({ ok: false, issues: { fanout: '"two" is not a number' } });
    const range = parseRunStart({ intervalMs: "5", fanout: "0", updatesPerSecPerReplica: "" });
    expect(range.ok).toBe(false);
    if (!range.ok) {
      expect(range.issues.intervalMs).toMatch(/10/);
      expect(range.issues.fanout).toMatch(/1/);
    }
  });
});
