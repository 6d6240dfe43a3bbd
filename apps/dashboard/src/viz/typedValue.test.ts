import { limitProblem } from "@driftscope/protocol";
import { describe, expect, it } from "vitest";
import { checkTyped } from "./typedValue.js";

const same = (v: number) => v;
const percent = (v: number) => Math.round(v * 10) / 1000; // the loss box's fromDisplay

describe("checkTyped", () => {
  it("refuses -5, abc, empty, 150 % and 1e9 with the protocol's words (range and reason)", () => {
    expect(checkTyped("gossip.intervalMs", "-5", same)).toEqual({ ok: false, problem: "Sync interval takes a whole number from 10 to 60000 ms; -5 ms is too small" });
    expect(checkTyped("gossip.fanout", "abc", same)).toEqual({ ok: false, problem: 'Fanout takes a whole number from 1 to 64 peers; "abc" is not a number' });
    expect(checkTyped("gossip.fanout", "  ", same)).toEqual({ ok: false, problem: "Fanout takes a whole number from 1 to 64 peers; nothing was given" });
    expect(checkTyped("network.lossRate", "150", percent)).toEqual({ ok: false, problem: "Message loss takes a number from 0 to 100 %; 150 % is too large" });
    expect(checkTyped("network.latencyMs", "1e9", same)).toEqual({ ok: false, problem: limitProblem("network.latencyMs", 1e9) });
  });

  it("reads a decimal comma and converts shown values to config values", () => {
    expect(checkTyped("network.lossRate", "2,5", percent)).toEqual({ ok: true, value: 0.025 });
    expect(checkTyped("gossip.intervalMs", " 250 ", same)).toEqual({ ok: true, value: 250 });
    expect(checkTyped("network.lossRate", "100", percent)).toEqual({ ok: true, value: 1 });
  });
});
