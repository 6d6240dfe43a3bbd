import { workspaceVitestConfig } from "../../tooling/vitest.shared.ts";

const config = workspaceVitestConfig(import.meta.dirname);
// The shared preset hands "import" to Node as a --conditions flag for the test workers;
// then require("ws") inside engine.io (CJS) resolves ws's ESM wrapper, which has no
// `Server`, and socket.io cannot start. Node's own conditions already cover import/require.
const ssr = config.ssr?.resolve;
if (ssr?.conditions !== undefined) ssr.conditions = ssr.conditions.filter((c) => c !== "import");

export default config;
