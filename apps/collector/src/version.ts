import { readFileSync } from "node:fs";

/** This package's version, from package.json next to src/ or dist/. */
function readPackageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version?: unknown };
    return typeof pkg.version === "string" ? pkg.version : "0.0.0";
  } catch {
    return "0.0.0";
  }
}

/** Version reported by GET /api/v1/health and recorded with every run. */
export const COLLECTOR_VERSION = readPackageVersion();
