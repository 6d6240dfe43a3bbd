// Hostile sockets before the handshake (issue 14): nothing is answered or parsed before hello
// / subscribe, the handshake timeout, and the token rules.
import { rmSync } from "node:fs";
import type { ControlResult, ErrorMessage, Pong } from "@driftscope/protocol";
import { Manager } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { agentClient, collect, connected, dashboardClient, flushAgent, helloMsg, next, reportMsg, startCollector, until, type TestCollector } from "../test/harness.js";
import { closed, eventPacket, expectHarmless, rawPacket } from "../test/hostileProbe.js";
import { good, HANDSHAKE_TIMEOUT_MS, harmless, refusedAndClosed, t, useHostileCollector } from "../test/hostileSockets.js";

useHostileCollector();

describe("nothing is answered or parsed before hello / subscribe", () => {
  it("P1 a ping before hello gets no pong, only an error; after hello pings are answered", async () => {
    const socket = agentClient(t.url);
    await connected(socket);
    const pongs = collect<Pong>(socket, "pong");
    await harmless(async () => {
      const error = next<ErrorMessage>(socket, "error");
      socket.emit("ping", { type: "ping", id: 1, agentTimeMs: 1 });
      expect(await error).toMatchObject({ code: "BAD_REQUEST", message: expect.stringMatching(/send hello first/) });
    });
    const welcome = next(socket, "welcome");
    socket.emit("hello", helloMsg("p1", []));
    await welcome;
    await flushAgent(socket);
    expect(pongs.map((p) => p.id)).toEqual([1]); // flushAgent's ping (id 1 too): the early one got none
    expect(pongs).toHaveLength(1);
  });

  it("P2 a report before hello is refused unread", async () => {
    const socket = agentClient(t.url);
    await connected(socket);
    await harmless(async () => {
      const error = next<ErrorMessage>(socket, "error");
      socket.emit("report", good());
      expect((await error).message).toMatch(/send hello first/);
    });
  });

  it("P3 a thousand reports before hello earn two notices, not a thousand answers", async () => {
    const socket = agentClient(t.url);
    await connected(socket);
    const errors = collect<ErrorMessage>(socket, "error");
    await harmless(async () => {
      for (let i = 0; i < 1000; i++) socket.emit("report", good());
      await until(() => errors.length >= 2, 3000, "notices");
      await new Promise((r) => setTimeout(r, 100));
    });
    expect(errors.map((e) => e.code).sort()).toEqual(["BAD_REQUEST", "RATE_LIMITED"]);
  });

  it("P3b a connection that keeps flooding past its message rate is closed", async () => {
    const quick = await startCollector({ rateLimits: { messagesPerSec: 20, messageBurst: 20, floodCloseMs: 300 } });
    try {
      const socket = agentClient(quick.url);
      await connected(socket);
      const welcome = next(socket, "welcome");
      socket.emit("hello", helloMsg("flood", []));
      await welcome;
      const packet = eventPacket("ping", JSON.stringify({ type: "ping", id: 1, agentTimeMs: 1 }));
      await expectHarmless(quick.collector.core, async () => {
        const gone = closed(socket, 5000);
        const timer = setInterval(() => {
          for (let i = 0; i < 50; i++) rawPacket(socket, packet);
        }, 20);
        await gone.finally(() => clearInterval(timer));
      });
    } finally {
      // Not quick.stop(): the harness's stop closes every client socket, this file's agent too.
      await quick.collector.close();
      rmSync(quick.dir, { recursive: true, force: true });
    }
  });

  it("P4 an agent socket that never says hello is closed after the handshake timeout", async () => {
    const socket = agentClient(t.url);
    await connected(socket);
    await harmless(() => refusedAndClosed(socket, () => {}, "BAD_REQUEST", new RegExp(`no hello accepted within ${HANDSHAKE_TIMEOUT_MS} ms`)));
  });

  it("P5 a request-snapshot before subscribe gets no snapshot, only an error", async () => {
    const dash = dashboardClient(t.url);
    await connected(dash);
    const snapshots = collect(dash, "snapshot");
    await harmless(async () => {
      const error = next<ErrorMessage>(dash, "error");
      dash.emit("request-snapshot", { type: "request-snapshot" });
      expect((await error).message).toMatch(/send subscribe first/);
    });
    expect(snapshots).toHaveLength(0);
  });

  it("P6 a config-change before subscribe is not read: no control-result, no change", async () => {
    const dash = dashboardClient(t.url);
    await connected(dash);
    const results = collect<ControlResult>(dash, "control-result");
    await harmless(async () => {
      const error = next<ErrorMessage>(dash, "error");
      dash.emit("config-change", { type: "config-change", requestId: "early", patch: { gossip: { fanout: 5 } } });
      expect((await error).code).toBe("BAD_REQUEST");
    });
    expect(results).toHaveLength(0);
  });

  it("P7 a dashboard socket that never subscribes is closed after the handshake timeout", async () => {
    const dash = dashboardClient(t.url);
    await connected(dash);
    await harmless(() => refusedAndClosed(dash, () => {}, "BAD_REQUEST", /no subscribe within/));
  });

  it("P8 a connection that joins no namespace is closed after the handshake timeout", async () => {
    const manager = new Manager(t.url, { transports: ["websocket"], reconnection: false, autoConnect: false });
    await harmless(async () => {
      await new Promise<void>((resolve, reject) => manager.open((err) => (err ? reject(err) : resolve())));
      await until(() => manager.engine.readyState === "closed", 3000, "engine closed");
    });
  });
});

describe("tokens", () => {
  const TOKENS = { agentToken: "agent-secret-1", operatorToken: "operator-secret-1" };
  let secured: TestCollector;
  beforeAll(async () => {
    secured = await startCollector({ ...TOKENS, handshakeTimeoutMs: HANDSHAKE_TIMEOUT_MS });
  });
  afterAll(async () => {
    await secured.stop();
  });
  const safe = (probe: () => Promise<void>) => expectHarmless(secured.collector.core, probe);

  it("T1 a wrong agent token in the auth payload is refused at connect", async () => {
    await safe(async () => {
      await expect(connected(agentClient(secured.url, { token: "wrong-token-1" }))).rejects.toThrow(/UNAUTHORIZED/);
    });
  });

  it("T2 a hello without the token is refused and the connection closed", async () => {
    const socket = agentClient(secured.url);
    await connected(socket);
    await safe(() => refusedAndClosed(socket, () => socket.emit("hello", helloMsg("t2", ["t2r"])), "UNAUTHORIZED"));
  });

  it("T3 without a token, a report before hello is not read", async () => {
    const socket = agentClient(secured.url);
    await connected(socket);
    await safe(async () => {
      const error = next<ErrorMessage>(socket, "error");
      socket.emit("report", reportMsg("t3", 1, []));
      expect((await error).message).toMatch(/send hello first/);
    });
  });

  it("T4 a dashboard's config-change with the agent token is FORBIDDEN", async () => {
    const dash = dashboardClient(secured.url);
    await connected(dash);
    const snapshot = next(dash, "snapshot");
    dash.emit("subscribe", { type: "subscribe" });
    await snapshot;
    await safe(async () => {
      const result = next<ControlResult>(dash, "control-result");
      dash.emit("config-change", { type: "config-change", requestId: "t4", patch: { gossip: { fanout: 3 } }, token: TOKENS.agentToken });
      expect(await result).toMatchObject({ ok: false, error: { code: "FORBIDDEN" } });
    });
  });
});
