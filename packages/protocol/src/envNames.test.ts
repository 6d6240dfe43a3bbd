import { describe, expect, it } from "vitest";
import { closestEnvName, KNOWN_ENV, unknownEnvWarnings } from "./index.js";

describe("unknown DRIFTSCOPE_* variables", () => {
  it("P-E1: one line per unknown variable, naming the closest known one", () => {
    expect(unknownEnvWarnings({ DRIFTSCOPE_DATA_DIR: "/tmp/x", DRIFTSCOPE_PORT: "7420", HOME: "/root" })).toEqual([
      "DRIFTSCOPE_DATA_DIR is not a Driftscope setting and is ignored; did you mean DRIFTSCOPE_DB?",
    ]);
    expect(closestEnvName("DRIFTSCOPE_PROT")).toBe("DRIFTSCOPE_PORT");
    expect(closestEnvName("DRIFTSCOPE_OPERATORTOKEN")).toBe("DRIFTSCOPE_OPERATOR_TOKEN");
    expect(closestEnvName("DRIFTSCOPE_LOGLEVEL")).toBe("DRIFTSCOPE_LOG_LEVEL");
    expect(closestEnvName("DRIFTSCOPE_RETENTION_RUN")).toBe("DRIFTSCOPE_RETENTION_RUNS");
  });

  it("P-E1: known variables and other programs' variables pass silently; nothing close says where the list is", () => {
    const known = Object.fromEntries(Object.keys(KNOWN_ENV).map((k) => [k, "1"]));
    expect(unknownEnvWarnings({ ...known, PATH: "/bin", CI: "1" })).toEqual([]);
    expect(unknownEnvWarnings({ DRIFTSCOPE_QUANTUM_FLUX_CAPACITOR: "1" })).toEqual([
      "DRIFTSCOPE_QUANTUM_FLUX_CAPACITOR is not a Driftscope setting and is ignored; the README lists the variables",
    ]);
  });
});
