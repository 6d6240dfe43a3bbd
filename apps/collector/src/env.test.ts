import { describe, expect, it } from "vitest";
import { KNOWN_ENV } from "@driftscope/protocol";
import { ENV_HELP, EnvError, envWarnings, readEnv } from "./env.js";

describe("env", () => {
  it("an unknown DRIFTSCOPE_* variable gets one warning line naming the closest known one; every variable read is known", () => {
    expect(envWarnings({ DRIFTSCOPE_DATA_DIR: "/tmp/d", DRIFTSCOPE_PORT: "7420" })).toEqual([
      "DRIFTSCOPE_DATA_DIR is not a Driftscope setting and is ignored; did you mean DRIFTSCOPE_DB?",
    ]);
    expect(envWarnings({ DRIFTSCOPE_FRAMEHZ: "4" })).toEqual(["DRIFTSCOPE_FRAMEHZ is not a Driftscope setting and is ignored; did you mean DRIFTSCOPE_FRAME_HZ?"]);
    for (const [name] of ENV_HELP) expect(Object.keys(KNOWN_ENV)).toContain(name);
  });

  it("defaults to 127.0.0.1:7420 and reads every variable", () => {
    expect(readEnv({})).toMatchObject({ host: "127.0.0.1", port: 7420, frameHz: 10, agentToken: undefined, dbPath: undefined });
    const env = readEnv({
      DRIFTSCOPE_PORT: "9000",
      DRIFTSCOPE_HOST: "0.0.0.0",
      DRIFTSCOPE_DB: "/tmp/x.db",
      DRIFTSCOPE_TOKEN: "agent-token-1",
      DRIFTSCOPE_OPERATOR_TOKEN: "operator-token-1",
      DRIFTSCOPE_FRAME_HZ: "4",
      DRIFTSCOPE_RETENTION_RUNS: "3",
      DRIFTSCOPE_LOG_LEVEL: "warn",
      DRIFTSCOPE_ALLOWED_HOSTS: "Collector.Example.org, proxy.internal",
    });
    expect(env.allowedHosts).toEqual(["collector.example.org", "proxy.internal"]);
    expect(readEnv({}).allowedHosts).toEqual([]);
    expect(env).toMatchObject({ port: 9000, host: "0.0.0.0", dbPath: "/tmp/x.db", agentToken: "agent-token-1", operatorToken: "operator-token-1", frameHz: 4, retentionRuns: 3, logLevel: "warn" });
  });

  it("names the variable and the reason when a value is unusable", () => {
    expect(() => readEnv({ DRIFTSCOPE_PORT: "http" })).toThrow(new EnvError('DRIFTSCOPE_PORT must be an integer, got "http"'));
    expect(() => readEnv({ DRIFTSCOPE_PORT: "70000" })).toThrow(/DRIFTSCOPE_PORT must be between 0 and 65535/);
    expect(() => readEnv({ DRIFTSCOPE_FRAME_HZ: "0" })).toThrow(/DRIFTSCOPE_FRAME_HZ/);
    expect(() => readEnv({ DRIFTSCOPE_TOKEN: "" })).toThrow(/DRIFTSCOPE_TOKEN is set but empty/);
    expect(() => readEnv({ DRIFTSCOPE_TOKEN: "short" })).toThrow(/8–512 characters/);
    expect(() => readEnv({ DRIFTSCOPE_LOG_LEVEL: "loud" })).toThrow(/DRIFTSCOPE_LOG_LEVEL must be one of/);
    expect(() => readEnv({ DRIFTSCOPE_ALLOWED_HOSTS: "https://collector.example.org/" })).toThrow(/DRIFTSCOPE_ALLOWED_HOSTS takes host names/);
  });
});
