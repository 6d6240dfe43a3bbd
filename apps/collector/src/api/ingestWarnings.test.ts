// What an HTTP node is told about a body or times that are probably wrong (issue 18).
import { afterEach, describe, expect, it } from "vitest";
import { helloMsg, replicaReport, reportMsg, startCollector, type TestCollector } from "../../test/harness.js";

let t: TestCollector | undefined;
afterEach(async () => {
  await t?.stop();
  t = undefined;
});

const post = (url: string, body: string, type: string) => fetch(`${url}/api/v1/ingest`, { method: "POST", headers: { "content-type": type }, body });

describe("ingest answers", () => {
  it("CL-I3: a body that contradicts its Content-Type is refused whole, saying which form goes with which type", async () => {
    t = await startCollector();
    const hello = JSON.stringify(helloMsg("n", ["r0"]));
    const asNdjson = await post(t.url, `[${hello}]`, "application/x-ndjson");
    expect(asNdjson.status).toBe(400);
    expect(await asNdjson.json()).toMatchObject({ code: "BAD_REQUEST", message: expect.stringMatching(/a JSON array is sent as application\/json/) });
    const asJson = await post(t.url, `${hello}\n${hello}`, "application/json");
    expect(asJson.status).toBe(400);
    expect(await asJson.json()).toMatchObject({ message: expect.stringMatching(/one message per line is sent as application\/x-ndjson/) });
    expect(t.collector.core.engine.replicaCount).toBe(0);
    expect((await post(t.url, `[${hello}]`, "application/json")).status).toBe(200);
  });

  it("CL-I4: times that look like seconds, or that were clamped, are accepted with a warning naming the field", async () => {
    t = await startCollector();
    const now = Date.now();
    const lines = [
      JSON.stringify(helloMsg("n", ["r0"])),
      JSON.stringify(reportMsg("n", 1, [replicaReport("r0", 1, [["r0", 1]], { full: true, issued: [[1, Math.floor(now / 1000)]] })], { timeMs: Math.floor(now / 1000) })),
      JSON.stringify(reportMsg("n", 2, [replicaReport("r0", 2, [["r0", 2]])], { timeMs: now + 3_600_000 })),
      JSON.stringify(reportMsg("n", 3, [replicaReport("r0", 3, [["r0", 3]])], { timeMs: now })),
    ];
    const res = await post(t.url, lines.join("\n"), "application/x-ndjson");
    const answer = (await res.json()) as { accepted: number; warnings?: Array<{ line: number; message: string }> };
    expect(answer.accepted).toBe(4);
    expect(answer.warnings).toEqual([
      { line: 2, message: expect.stringMatching(/^timeMs \d+ looks like seconds: times are milliseconds since the epoch/) },
      { line: 3, message: expect.stringMatching(/^timeMs \d+ is in the future by the collector's clock .*clamped/) },
    ]);
  });
});
