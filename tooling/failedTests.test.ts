// The closing tally of `npm test` names each failed test with its error: CI keeps only the
// tail of the output, so a failure must be readable there. Reports below are trimmed from
// real Vitest 4 and Playwright JSON reports.
import { describe, expect, it } from "vitest";
import { failedTests as failed } from "../scripts/failedTests.mjs";

describe("failedTests", () => {
  it("names a failed Vitest test by workspace path and full name, with its message and its own stack frame, not the runner's", () => {
    const report = {
      numFailedTests: 1,
      testResults: [
        {
          name: "/check/work/main/integrations/automerge/test/collector.integration.test.ts",
          status: "failed",
          message: "",
          assertionResults: [
            { fullName: "Automerge replicas converge", status: "passed", failureMessages: [] },
            {
              fullName: "Automerge replicas a deletion shows",
              status: "failed",
              failureMessages: [
                "AssertionError: expected 2 to be 3 // Object.is equality\n    at /check/work/main/integrations/automerge/test/collector.integration.test.ts:2:66\n    at file:///check/work/main/node_modules/.pnpm/@vitest+runner@4.1.12/node_modules/@vitest/runner/dist/chunk-artifact.js:302:11\n    at new Promise (<anonymous>)",
              ],
            },
          ],
        },
      ],
    };
    expect(failed(report)).toEqual([
      [
        "  ✗ integrations/automerge/test/collector.integration.test.ts › Automerge replicas a deletion shows",
        "      AssertionError: expected 2 to be 3 // Object.is equality",
        "          at /check/work/main/integrations/automerge/test/collector.integration.test.ts:2:66",
      ].join("\n"),
    ]);
  });

  it("names a Vitest file that failed before its tests ran, with the reason", () => {
    const report = { numFailedTests: 0, testResults: [{ name: "/w/apps/agent/src/b.test.ts", status: "failed", message: "Cannot find module './gone.js'", assertionResults: [] }] };
    expect(failed(report)).toEqual(["  ✗ apps/agent/src/b.test.ts › (the file)\n      Cannot find module './gone.js'"]);
  });

  it("names a failed Playwright test by file and titles, with its message free of colour codes; passed and flaky ones are not listed", () => {
    const ok = (title: string, status: string) => ({ title, file: "x.spec.ts", tests: [{ status, results: [{ status: "passed" }] }] });
    const report = {
      stats: { expected: 2, unexpected: 1, flaky: 1, skipped: 0 },
      suites: [
        {
          title: "x.spec.ts",
          file: "x.spec.ts",
          specs: [ok("fine", "expected"), ok("wobbly", "flaky")],
          suites: [
            {
              title: "outer",
              file: "x.spec.ts",
              specs: [
                {
                  title: "breaks",
                  file: "x.spec.ts",
                  tests: [{ status: "unexpected", results: [{ status: "failed", error: { message: "Error: \u001b[2mexpect(\u001b[22mreceived).toBe(expected)\n\nExpected: \u001b[32m2\u001b[39m\nReceived: \u001b[31m1\u001b[39m" } }] }],
                },
              ],
            },
          ],
        },
      ],
    };
    expect(failed(report)).toEqual(["  ✗ x.spec.ts › outer › breaks\n      Error: expect(received).toBe(expected)\n      Expected: 2\n      Received: 1"]);
  });

  it("keeps a long message to its first lines and says how many more there were", () => {
    const message = Array.from({ length: 20 }, (_, i) => `line ${i}`).join("\n");
    const lines = failed({ testResults: [{ name: "/w/packages/crdt/src/a.test.ts", status: "failed", assertionResults: [{ fullName: "t", status: "failed", failureMessages: [message] }] }] })[0]!.split("\n");
    expect(lines.slice(1, 3)).toEqual(["      line 0", "      line 1"]);
    expect(lines.at(-1)).toBe("      … 14 more lines");
  });
});
