import { join } from "node:path";
import { Linter, RuleTester } from "eslint";
import tseslint from "typescript-eslint";
import { describe, expect, it } from "vitest";
import { importArrows, partOf } from "./importArrows.js";
import driftscope from "./plugin.js";

// RuleTester runs its cases as tests of whichever framework it is given.
RuleTester.describe = describe;
RuleTester.it = it;
RuleTester.itOnly = it.only;

const ROOT = join(import.meta.dirname, "..", "..");
const at = (part: string, file = "src/x.ts") => join(ROOT, part, file);
const tester = new RuleTester({ languageOptions: { parser: tseslint.parser, ecmaVersion: 2023, sourceType: "module" } });

const ok = (part: string, code: string, file?: string) => ({ code, filename: at(part, file) });
const bad = (part: string, code: string, messageId: string, file?: string) => ({ code, filename: at(part, file), errors: [{ messageId }] });

describe("partOf", () => {
  it("names the part a file sits in, and none for files outside the parts", () => {
    const cases: Array<[string, string | null]> = [
      ["apps/agent/src/Agent.ts", "apps/agent"],
      ["packages/gossip/src/theory/index.ts", "packages/gossip"],
      ["integrations/yjs/src/index.ts", "integrations/yjs"],
      ["e2e/tests/live.spec.ts", "e2e"],
      ["bench/run.ts", "bench"],
      ["tooling/vitest.shared.ts", null],
      ["scripts/test.mjs", null],
      ["eslint.config.js", null],
      ["clients/python/driftscope.py", null],
    ];
    for (const [file, part] of cases) if (partOf(join(ROOT, file)) !== part) throw new Error(`${file}: expected ${part}`);
  });
});

tester.run("import-arrows", importArrows, {
  valid: [
    // Each arrow of DESIGN §1, in every import form.
    ok("apps/dashboard", `import { type Frame } from "@driftscope/protocol";`),
    ok("apps/collector", `import { expectedRounds } from "@driftscope/gossip/theory";`),
    ok("apps/collector", `import type { Snapshot } from "@driftscope/protocol";`),
    ok("apps/agent", `import { Cluster } from "@driftscope/gossip"; import { vvMissing } from "@driftscope/crdt";`),
    ok("apps/agent", `import { transportContract } from "@driftscope/gossip/testing";`),
    ok("apps/agent", `export * from "@driftscope/protocol"; export { AWSet } from "@driftscope/crdt";`),
    ok("packages/gossip", `const crdt = await import("@driftscope/crdt");`),
    ok("integrations/yjs", `import { createAgent } from "@driftscope/agent"; import * as Y from "yjs";`),
    ok("bench", `import { createAgent } from "@driftscope/agent"; import { measureSpread } from "@driftscope/gossip";`),
    ok("bench", `import { expectedRounds } from "@driftscope/gossip/theory";`, "src/gossip-theory.bench.ts"),
    ok("e2e", `import type { Frame } from "@driftscope/protocol"; import { test } from "@playwright/test";`, "tests/live.spec.ts"),
    ok("packages/protocol", `import { z } from "zod";`),
    // Within a part, relative paths go anywhere; out of it, only to files of no part.
    ok("apps/agent", `import { FakeNode } from "../../test/FakeNode.js";`, "src/launcher/x.test.ts"),
    ok("packages/crdt", `import { workspaceVitestConfig } from "../../tooling/vitest.shared.ts";`, "vitest.config.ts"),
    // Files outside the parts are not checked.
    { code: `import { Cluster } from "@driftscope/gossip";`, filename: join(ROOT, "scripts", "x.mjs") },
  ],
  invalid: [
    // Arrows not drawn.
    bad("apps/dashboard", `import { Cluster } from "@driftscope/gossip";`, "arrow"),
    bad("apps/collector", `import { transportContract } from "@driftscope/gossip/testing";`, "arrow"),
    bad("apps/collector", `import { AWSet } from "@driftscope/crdt";`, "arrow"),
    bad("packages/gossip", `import type { Frame } from "@driftscope/protocol";`, "arrow"),
    bad("packages/protocol", `import { AWSet } from "@driftscope/crdt";`, "arrow"),
    bad("packages/crdt", `export { Rng } from "@driftscope/gossip";`, "arrow"),
    bad("packages/crdt", `type R = import("@driftscope/gossip").Rng;`, "arrow"),
    bad("packages/crdt", `import gossip = require("@driftscope/gossip");`, "arrow"),
    bad("integrations/yjs", `import { Cluster } from "@driftscope/gossip";`, "arrow"),
    bad("e2e", `import { createCollector } from "@driftscope/collector";`, "arrow", "fixtures/stack.ts"),
    // Tests get no exemption.
    bad("apps/dashboard", `const { Cluster } = await import("@driftscope/gossip");`, "arrow", "src/x.test.ts"),
    // Apps never import apps, in any form.
    bad("apps/agent", `import { createCollector } from "@driftscope/collector";`, "app", "test/x.integration.test.ts"),
    bad("apps/dashboard", `const agent = require("@driftscope/agent");`, "app"),
    bad("apps/collector", `import { x } from "../../../dashboard/src/x.js";`, "relative", "src/api/y.ts"),
    // No deep imports, by name or by path, even where the arrow is drawn.
    bad("apps/agent", `import { AWSet } from "@driftscope/crdt/dist/AWSet.js";`, "deep"),
    bad("bench", `import { InclusionJournal } from "@driftscope/gossip/src/replica/InclusionJournal.ts";`, "deep"),
    bad("apps/agent", `import { AWSet } from "../../packages/crdt/src/AWSet.js";`, "relative", "x.ts"),
    bad("bench", `import { Cluster } from "../packages/gossip/src/index.ts";`, "relative", "run.ts"),
    // Names that are no workspace, and parts the table does not know.
    bad("apps/agent", `import { x } from "@driftscope/cluster";`, "unknownPackage"),
    bad("apps/newapp", `import { z } from "@driftscope/protocol";`, "unknownPart"),
    // Messages say which arrow is broken and what is allowed.
    {
      code: `import { Cluster } from "@driftscope/gossip";`,
      filename: at("apps/collector"),
      errors: [
        "apps/collector may not import @driftscope/gossip: DESIGN §1 allows apps/collector → protocol, gossip/theory (gossip/theory is the pure formulas; the runtime stays out).",
      ],
    },
    {
      code: `import { Replica } from "@driftscope/gossip/src/replica/Replica.js";`,
      filename: at("apps/agent"),
      errors: [
        "@driftscope/gossip/src/replica/Replica.js reaches past gossip's public face: no deep imports across packages; its entries are @driftscope/gossip, @driftscope/gossip/theory, @driftscope/gossip/testing.",
      ],
    },
  ],
});

describe("in the workspace preset", () => {
  const linter = new Linter({ cwd: ROOT });
  const config = [
    { files: ["**/*.ts"], languageOptions: { parser: tseslint.parser } },
    { plugins: { driftscope }, rules: { "driftscope/import-arrows": "error" as const } },
  ];
  const lint = (code: string) => linter.verify(code, config, at("apps/collector", "src/metrics/truth.test.ts"));

  it("reports as driftscope/import-arrows, and a test that needs another part says why on the line above", () => {
    const code = `import { Cluster } from "@driftscope/gossip";`;
    expect(lint(code).map((m) => m.ruleId)).toEqual(["driftscope/import-arrows"]);
    expect(lint(`// eslint-disable-next-line driftscope/import-arrows -- ground truth\n${code}`)).toEqual([]);
  });

  it("a multi-line import is reported on its first line, where the disable comment goes", () => {
    const code = `import {\n  Cluster,\n  Rng,\n} from "@driftscope/gossip";`;
    expect(lint(code).map((m) => m.line)).toEqual([1]);
    expect(lint(`// eslint-disable-next-line driftscope/import-arrows -- ground truth\n${code}`)).toEqual([]);
  });
});
