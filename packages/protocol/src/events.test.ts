import { describe, expect, expectTypeOf, it } from "vitest";
import * as f from "../test/fixtures.js";
import {
  AGENT_TO_COLLECTOR_EVENTS,
  type AgentToCollector,
  AgentToCollectorSchema,
  type AgentToCollectorEvents,
  COLLECTOR_TO_AGENT_EVENTS,
  COLLECTOR_TO_DASHBOARD_EVENTS,
  type CollectorToAgent,
  CollectorToAgentSchema,
  type CollectorToAgentEvents,
  type CollectorToDashboard,
  CollectorToDashboardSchema,
  type CollectorToDashboardEvents,
  DASHBOARD_TO_COLLECTOR_EVENTS,
  type DashboardToCollector,
  DashboardToCollectorSchema,
  type DashboardToCollectorEvents,
  type EventMapOf,
  type Frame,
  parseAgentEvent,
  parseDashboardEvent,
  type Untrusted,
} from "./index.js";

// socket.io's `EventsMap`, copied: socket.io is not a dependency of this package.
// (Checked against the real socket.io 4.8 typings: `Namespace<AgentToCollectorEvents,
// CollectorToAgentEvents>` and `Socket<CollectorToAgentEvents, AgentToCollectorEvents>` compile.)
// eslint-disable-next-line @typescript-eslint/no-explicit-any
interface SocketIoEventsMap { [event: string]: any }
function usableAsSocketIoGeneric<_T extends SocketIoEventsMap>(): true {
  return true;
}

function typesOf(schema: { options: ReadonlyArray<{ shape: { type: { value: string } } }> }): string[] {
  return schema.options.map((o) => o.shape.type.value);
}

describe("socket.io event maps", () => {
  it("list exactly one event per message type, named after it", () => {
    expect([...AGENT_TO_COLLECTOR_EVENTS].sort()).toEqual(typesOf(AgentToCollectorSchema).sort());
    expect([...COLLECTOR_TO_AGENT_EVENTS].sort()).toEqual(typesOf(CollectorToAgentSchema).sort());
    expect([...DASHBOARD_TO_COLLECTOR_EVENTS].sort()).toEqual(typesOf(DashboardToCollectorSchema).sort());
    expect([...COLLECTOR_TO_DASHBOARD_EVENTS].sort()).toEqual(typesOf(CollectorToDashboardSchema).sort());
  });

  it("are typed from the message unions and usable as socket.io generics", () => {
    expectTypeOf<AgentToCollectorEvents>().toEqualTypeOf<EventMapOf<AgentToCollector>>();
    expectTypeOf<CollectorToAgentEvents>().toEqualTypeOf<EventMapOf<CollectorToAgent>>();
    expectTypeOf<DashboardToCollectorEvents>().toEqualTypeOf<EventMapOf<DashboardToCollector>>();
    expectTypeOf<CollectorToDashboardEvents>().toEqualTypeOf<EventMapOf<CollectorToDashboard>>();
    expect(usableAsSocketIoGeneric<AgentToCollectorEvents>()).toBe(true);
    expect(usableAsSocketIoGeneric<CollectorToAgentEvents>()).toBe(true);
    expect(usableAsSocketIoGeneric<DashboardToCollectorEvents>()).toBe(true);
    expect(usableAsSocketIoGeneric<CollectorToDashboardEvents>()).toBe(true);
    expectTypeOf<Parameters<CollectorToDashboardEvents["frame"]>>().toEqualTypeOf<[message: Frame]>();
    expectTypeOf<Parameters<Untrusted<AgentToCollectorEvents>["report"]>>().toEqualTypeOf<[payload: unknown]>();
    expect(usableAsSocketIoGeneric<Untrusted<AgentToCollectorEvents>>()).toBe(true);
  });
});

describe("parseAgentEvent", () => {
  it("accepts each agent message under its own event name", () => {
    const messages = [f.hello(), f.ping(), f.report(), f.configAck(), { type: "bye", agentId: "node-a" }];
    for (const m of messages) expect(parseAgentEvent(m.type, m).ok, m.type).toBe(true);
  });

  it("refuses a payload whose type does not match the event name", () => {
    const r = parseAgentEvent("report", f.ping());
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.issues?.[0]).toEqual({ path: "type", reason: 'expected "report", got "ping"' });
  });

  it("applies the protocol-version check to hello", () => {
    const r = parseAgentEvent("hello", { ...f.hello(), protocol: 999 });
    expect(!r.ok && r.error.code).toBe("PROTOCOL_VERSION");
  });

  it("answers BAD_REQUEST for unknown events, including Object.prototype names", () => {
    for (const event of ["nope", "__proto__", "constructor", "toString", "welcome"]) {
      const r = parseAgentEvent(event, {});
      expect(r.ok, event).toBe(false);
      if (!r.ok) {
        expect(r.error.code).toBe("BAD_REQUEST");
        expect(r.error.message).toContain("unknown event");
      }
    }
  });
});

describe("parseDashboardEvent", () => {
  it("accepts dashboard messages and refuses collector-only events", () => {
    expect(parseDashboardEvent("config-change", f.configChange()).ok).toBe(true);
    expect(parseDashboardEvent("subscribe", { type: "subscribe" }).ok).toBe(true);
    const r = parseDashboardEvent("frame", f.frame());
    expect(!r.ok && r.error.code).toBe("BAD_REQUEST");
  });

  it("names the patch field a slider got wrong", () => {
    const r = parseDashboardEvent("config-change", { ...f.configChange(), patch: { gossip: { fanout: 0 } } });
    expect(!r.ok && r.error.issues).toEqual([{ path: "patch.gossip.fanout", reason: "Fanout takes a whole number from 1 to 64 peers; 0 peers is too small" }]);
  });
});
