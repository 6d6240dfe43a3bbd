// Builds native/memory_release.cc with node-gyp at install. Optional: without a C++
// compiler the collector runs without it (server.ts warns at start), so a failed
// build warns instead of failing the install.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = join(dirname(fileURLToPath(import.meta.url)), "..");
// pnpm and npm put their own node-gyp on a lifecycle script's PATH; npm's copy is the fallback.
const bundled = join(dirname(process.execPath), "..", "lib", "node_modules", "npm", "node_modules", "node-gyp", "bin", "node-gyp.js");
const viaPath = spawnSync("node-gyp", ["rebuild", "--release"], { cwd: here, stdio: "inherit" });
let ok = viaPath.status === 0;
if (!ok && viaPath.error !== undefined && existsSync(bundled)) {
  ok = spawnSync(process.execPath, [bundled, "rebuild", "--release"], { cwd: here, stdio: "inherit" }).status === 0;
}
if (!ok) {
  console.warn("[collector] the memory release helper was not built (node-gyp needs python3, make and a C++ compiler); the collector runs without it and keeps more memory after bursts");
}
