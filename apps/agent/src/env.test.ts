import { KNOWN_ENV } from "@driftscope/protocol";
import { describe, expect, it } from "vitest";
import { ENV_HELP, EnvError, envWarnings, readEnv } from "./env.js";

describe("agent env", () => {
  it("reads the collector URL and token, refusing a URL that is not http(s)", () => {
    expect(readEnv({ DRIFTSCOPE_COLLECTOR: " http://127.0.0.1:9000 ", DRIFTSCOPE_TOKEN: "t-12345678" })).toEqual({ collectorUrl: "http://127.0.0.1:9000", token: "t-12345678" });
    expect(() => readEnv({ DRIFTSCOPE_COLLECTOR: "ftp://x" })).toThrow(EnvError);
  });

  it("an unknown DRIFTSCOPE_* variable gets one warning line naming the closest known one; every variable read is known", () => {
    expect(envWarnings({ DRIFTSCOPE_COLECTOR: "http://127.0.0.1:7420", DRIFTSCOPE_TOKEN: "t" })).toEqual([
      "DRIFTSCOPE_COLECTOR is not a Driftscope setting and is ignored; did you mean DRIFTSCOPE_COLLECTOR?",
    ]);
    for (const [name] of ENV_HELP) expect(Object.keys(KNOWN_ENV)).toContain(name);
  });
});
