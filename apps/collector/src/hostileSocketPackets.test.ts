// Hostile socket packets (issue 14): binary payloads refused at the socket layer, oversized
// and malformed packets. Each gets a clear error or a closed connection and changes nothing.
import type { ErrorMessage } from "@driftscope/protocol";
import { io } from "socket.io-client";
import { describe, expect, it } from "vitest";
import { agentClient, connected, dashboardClient, handshake, helloMsg, next, until, type AgentClient, type DashboardClient } from "../test/harness.js";
import { closed, rawPacket } from "../test/hostileProbe.js";
import { agent, big, good, harmless, loose, refusedAndClosed, subscribed, t, useHostileCollector } from "../test/hostileSockets.js";

useHostileCollector();

describe("binary payloads are refused at the socket layer, the connection closed", () => {
  const cases: Array<[name: string, where: "agent" | "agent after hello" | "dashboard" | "dashboard after subscribe", event: string, payload: () => unknown]> = [
    ["B1 a ping carrying 4 MiB of binary (the reported repro)", "agent", "ping", () => big(4 << 20)],
    ["B2 a ping carrying 1 MiB of binary", "agent", "ping", () => big(1 << 20)],
    ["B3 a hello as binary", "agent", "hello", () => Buffer.alloc(64 * 1024)],
    ["B4 a report as binary", "agent", "report", () => big(256 * 1024)],
    ["B5 a config-ack as binary", "agent", "config-ack", () => big(1024)],
    ["B6 a bye as binary", "agent", "bye", () => big(16)],
    ["B7 an unknown event carrying binary", "agent", "exploit", () => big(2 << 20)],
    ["B8 a hello with a binary field", "agent", "hello", () => ({ ...helloMsg("z", ["z1"]), node: Buffer.alloc(1 << 20) })],
    ["B9 a report with binary replica entries", "agent after hello", "report", () => ({ ...good(), replicas: [big(1 << 20)] })],
    ["B10 a ping carrying binary after hello", "agent after hello", "ping", () => big(3 << 20)],
    ["B11 a subscribe carrying 3 MB of binary (the reported repro)", "dashboard", "subscribe", () => big(3_000_000)],
    ["B12 a request-snapshot as binary", "dashboard", "request-snapshot", () => big(1024)],
    ["B13 a config-change as binary", "dashboard", "config-change", () => big(1024)],
    ["B14 a run-control with a binary token", "dashboard", "run-control", () => ({ type: "run-control", requestId: "x", action: "stop", token: big(512) })],
    ["B15 a request-snapshot carrying binary after subscribe", "dashboard after subscribe", "request-snapshot", () => big(2 << 20)],
    ["B16 a config-change with a binary patch after subscribe", "dashboard after subscribe", "config-change", () => ({ type: "config-change", requestId: "r", patch: big(4096) })],
  ];

  it.each(cases)("%s", async (_name, where, event, payload) => {
    let socket: AgentClient | DashboardClient;
    if (where === "agent after hello") socket = (await handshake(t.url, `bin-${event}`, [])).agent;
    else if (where === "dashboard after subscribe") socket = await subscribed();
    else {
      socket = where === "agent" ? agentClient(t.url) : dashboardClient(t.url);
      await connected(socket);
    }
    const value = payload();
    await harmless(() => refusedAndClosed(socket, () => loose(socket).emit(event, value), "BAD_REQUEST", /binary/));
  });

  it("B17 a raw binary frame with no packet header closes the connection", async () => {
    const socket = agentClient(t.url);
    await connected(socket);
    await harmless(async () => {
      const gone = closed(socket);
      (socket.io.engine as unknown as { write(data: Uint8Array): void }).write(big(1 << 20));
      await gone;
    });
  });
});

describe("oversized and malformed packets", () => {
  it("Z1 a 2 MB hello before any hello is accepted closes the connection", async () => {
    const socket = agentClient(t.url);
    await connected(socket);
    const hello = { ...helloMsg("z", ["z1"]), node: { name: "z", host: "h".repeat(2_000_000) } };
    await harmless(() => refusedAndClosed(socket, () => socket.emit("hello", hello as never), "PAYLOAD_TOO_LARGE", /before hello is accepted/));
  });

  it("Z2 a 100 KB subscribe closes the connection", async () => {
    const dash = dashboardClient(t.url);
    await connected(dash);
    await harmless(() => refusedAndClosed(dash, () => loose(dash).emit("subscribe", { type: "subscribe", token: "t".repeat(100_000) }), "PAYLOAD_TOO_LARGE"));
  });

  it("Z3 a 3 MB config-change from a subscribed dashboard closes its connection", async () => {
    const dash = await subscribed();
    const patch = { workload: { opMix: [{ op: "x".repeat(3_000_000), weight: 1 }] } };
    await harmless(() => refusedAndClosed(dash, () => loose(dash).emit("config-change", { type: "config-change", requestId: "big", patch }), "PAYLOAD_TOO_LARGE"));
  });

  it("Z4 a connect packet with a 100 KB auth payload never connects", async () => {
    await harmless(async () => {
      const socket = io(`${t.url}/agents`, { transports: ["websocket"], forceNew: true, reconnection: false, auth: { token: "x".repeat(100_000) } });
      try {
        await until(() => socket.io.engine === undefined || socket.io.engine.readyState === "closed", 5000, "connection closed");
        expect(socket.connected).toBe(false);
      } finally {
        socket.close();
      }
    });
  });

  const raw: Array<[name: string, packet: string]> = [
    ["Z5 an acknowledgement packet (the collector never asks for one)", '3/agents,1["pong"]'],
    ["Z6 a connect-error packet sent by a client", '4/agents,{"message":"x"}'],
    ["Z7 an unknown packet type", "9/agents,whatever"],
    ["Z8 a binary-event header with 11 attachments", '511-/agents,["ping",{"_placeholder":true,"num":0}]'],
  ];
  it.each(raw)("%s closes the connection", async (_name, packet) => {
    const { agent: socket } = await handshake(t.url, "raw", []);
    await harmless(async () => {
      const gone = closed(socket);
      rawPacket(socket, packet);
      await gone;
    });
  });

  it("Z9 an event packet that is not JSON closes the connection", async () => {
    const { agent: socket } = await handshake(t.url, "notjson", []);
    await harmless(async () => {
      const gone = closed(socket);
      rawPacket(socket, '2/agents,["report",{nope');
      await gone;
    });
  });

  it.each([
    ["Z10 an event named by a number", '2/agents,[1,{"type":"ping","id":1,"agentTimeMs":1}]'],
    ["Z11 an event named __proto__", '2/agents,["__proto__",{"type":"ping","id":1,"agentTimeMs":1}]'],
    ["Z12 an event named constructor", '2/agents,["constructor",{}]'],
  ])("%s is answered BAD_REQUEST", async (_name, packet) => {
    await harmless(async () => {
      const error = next<ErrorMessage>(agent, "error");
      rawPacket(agent, packet);
      expect((await error).code).toBe("BAD_REQUEST");
    });
  });
});
