import { SOURCE_CONDITION, workspaceVitestConfig } from "../../tooling/vitest.shared.ts";

const config = workspaceVitestConfig(import.meta.dirname);
// The shared preset lists "import" among the SSR conditions, which vitest hands to its
// workers as `--conditions import`; under it a CommonJS `require("ws")` (engine.io, inside
// the socket.io server of the collector these tests start) gets ws's ESM wrapper and
// fails. Node adds "import"/"require" by itself, so it is left out here.
config.ssr = { ...config.ssr, resolve: { ...config.ssr?.resolve, conditions: [SOURCE_CONDITION, "node", "default"] } };

export default config;
