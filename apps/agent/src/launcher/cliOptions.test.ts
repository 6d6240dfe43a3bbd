import { describe, expect, it } from "vitest";
import { limitProblem } from "@driftscope/protocol";
import { launcherProgram, parseLauncherArgs } from "./cliOptions.js";

function parse(args: string[]) {
  const program = launcherProgram().exitOverride().configureOutput({ writeErr: () => {}, writeOut: () => {} });
  return parseLauncherArgs(args, program);
}

describe("launcher command line", () => {
  it("defaults: 16 replicas, the local collector, the collector's default gossip config, nothing to push", () => {
    const o = parse([]);
    expect(o).toMatchObject({ replicas: 16, collectorUrl: "http://127.0.0.1:7420", idPrefix: "r", crdt: "awset", mode: "push-pull", payload: "delta", seed: 1 });
    expect(o.pushPatch).toEqual({});
    expect(o.listen).toBeUndefined();
  });

  it("explicit gossip and workload flags become the config change sent to the collector", () => {
    const o = parse(["--replicas", "4", "--updates-per-sec", "2.5", "--interval-ms", "250", "--fanout", "3", "--mode", "push", "--payload", "digest", "--crdt", "gcounter"]);
    expect(o.replicas).toBe(4);
    expect(o.pushPatch).toEqual({
      gossip: { intervalMs: 250, fanout: 3, mode: "push", payload: "digest" },
      workload: { updatesPerSecPerReplica: 2.5, crdtType: "gcounter" },
    });
  });

  it("WebSocket mode: --listen host:port, --peers list, and a per-process default id prefix", () => {
    const o = parse(["--listen", "9100", "--peers", "ws://127.0.0.1:9101, ws://127.0.0.1:9102"]);
    expect(o.listen).toEqual({ host: "127.0.0.1", port: 9100 });
    expect(o.peers).toEqual(["ws://127.0.0.1:9101", "ws://127.0.0.1:9102"]);
    expect(o.idPrefix).toBe(`p${process.pid}-r`);
    expect(parse(["--listen", "0.0.0.0:0", "--id-prefix", "east-"]).listen).toEqual({ host: "0.0.0.0", port: 0 });
  });

  it("refuses a config flag outside the collector's range in the words the collector and dashboard use", () => {
    expect(() => parse(["--fanout", "0"])).toThrow(`--fanout: ${limitProblem("gossip.fanout", 0)}`);
    expect(() => parse(["--interval-ms", "250.5"])).toThrow("Sync interval takes a whole number from 10 to 60000 ms; 250.5 is not a whole number");
    expect(() => parse(["--updates-per-sec", "fast"])).toThrow('Updates per replica takes a number from 0 to 1000 updates/s; "fast" is not a number');
    expect(() => parse(["--fanout", "0x10"])).toThrow('Fanout takes a whole number from 1 to 64 peers; "0x10" is not a number');
    expect(parse(["--interval-ms", "60000", "--fanout", "64", "--updates-per-sec", "0"]).pushPatch).toMatchObject({ gossip: { intervalMs: 60_000, fanout: 64 }, workload: { updatesPerSecPerReplica: 0 } });
  });

  it.each([
    [["--replicas", "-1"], "--replicas"],
    [["--fanout", "0"], "--fanout"],
    [["--interval-ms", "abc"], "--interval-ms"],
    [["--updates-per-sec", "2000"], "--updates-per-sec"],
    [["--mode", "gossip"], "--mode"],
    [["--crdt", "yjs"], "--crdt"],
    [["--peers", "http://x"], "--peers"],
    [["--collector", "ftp://x"], "--collector"],
    [["--id-prefix", "a b"], "--id-prefix"],
    [["--listen", "x:y"], "--listen"],
  ])("refuses %j naming the flag", (args, flag) => {
    expect(() => parse(args)).toThrow(flag);
  });
});
