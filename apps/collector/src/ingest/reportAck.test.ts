// Reports may ask to be acknowledged (docs/protocol.md §3.3): the agent paces itself by the
// answer, so under overload nothing piles up in the sockets' buffers. Only reports may ask.
import type { ErrorMessage } from "@driftscope/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { flushAgent, handshake, next, replicaReport, reportMsg, startCollector, type AgentClient, type TestCollector } from "../../test/harness.js";

let t: TestCollector;
let agent: AgentClient;
beforeAll(async () => {
  t = await startCollector({ frameHz: 2 });
  ({ agent } = await handshake(t.url, "a", ["r1"]));
});
afterAll(async () => {
  await t.stop();
});

type Emit = { emit(event: string, ...args: unknown[]): void };
const ackOf = (message: unknown) =>
  new Promise<unknown>((resolve) => (agent as unknown as Emit).emit("report", message, (answer: unknown) => resolve(answer)));

describe("report acknowledgements", () => {
  it("CL-O7: a report that asks is answered with its seq once read, and is folded in; a refused one is answered too, with its error", async () => {
    expect(await ackOf(reportMsg("a", 1, [replicaReport("r1", 2, [["r1", 2]], { full: true })]))).toEqual({ seq: 1 });
    await flushAgent(agent);
    expect(t.collector.core.engine.versionVector("r1")).toEqual([["r1", 2]]);
    const err = next<ErrorMessage>(agent, "error");
    // A replayed seq: refused, and still answered (the agent must not wait for ever).
    expect(await ackOf(reportMsg("a", 1, [replicaReport("r1", 3, [["r1", 3]])]))).toEqual({ seq: 1 });
    expect((await err).code).toBe("CONFLICT");
  });

  it("CL-O7: any other event with a callback is refused and not answered", async () => {
    const err = next<ErrorMessage>(agent, "error");
    let answered = false;
    (agent as unknown as Emit).emit("ping", { type: "ping", id: 1, agentTimeMs: 1 }, () => (answered = true));
    expect((await err).message).toMatch(/only a report may ask/);
    await flushAgent(agent);
    expect(answered).toBe(false);
  });
});
