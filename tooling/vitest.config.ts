import { workspaceVitestConfig } from "./vitest.shared.ts";

// Tooling has no src/: its tests sit next to what they check.
export default workspaceVitestConfig(import.meta.dirname, { test: { include: ["*.test.ts", "eslint/**/*.test.ts"] } });
