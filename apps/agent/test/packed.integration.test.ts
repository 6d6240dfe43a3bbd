// The agent as a user outside this repository gets it: @driftscope/agent and the three
// packages it needs packed with `pnpm pack` (workspace: and catalog: ranges become
// versions), installed with npm into a temporary project with no workspace around it
// (third-party dependencies from npm's cache, else the registry), a node written against
// the installed types compiled there, then run against a real collector.
// Needs: the packages built (`npm test` builds first; a stale dist is rebuilt here), npm on
// the PATH, and the registry or a warm npm cache for zod, socket.io-client, commander,
// bufferutil, ws and @types/node.
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
// eslint-disable-next-line driftscope/import-arrows -- integration test: the packed agent against the real collector over loopback is what this test checks
import { createCollector, type Collector } from "@driftscope/collector";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually } from "./fakeCollector.js";

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, "..", "..", "..");
const PACKAGES = ["packages/crdt", "packages/protocol", "packages/gossip", "apps/agent"] as const;
const NAMES = ["@driftscope/crdt", "@driftscope/protocol", "@driftscope/gossip", "@driftscope/agent"] as const;
const REPLICAS = ["hand-0", "packed-0", "packed-1", "packed-2"];
/** Bound on each outside command (npm may fetch from the registry on a cold cache). */
const COMMAND_TIMEOUT_MS = 90_000;

// The project must not inherit what pnpm, turbo or npm scripts put in the environment
// (npm_config_*: registry, workspace flags, ignore-scripts…): it is a stranger's project.
const cleanEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(npm_|pnpm_|PNPM_|TURBO_|VITEST)/.test(k)));

function run(command: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = cleanEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { cwd, env, timeout: COMMAND_TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${command} ${args.join(" ")} failed in ${cwd}: ${error.message}\n${stdout}\n${stderr}`));
      else resolve(stdout);
    });
  });
}

/** Newest modification time under `dir` of files `keep` accepts. */
function newest(dir: string, keep: (name: string) => boolean): number {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) latest = Math.max(latest, newest(path, keep));
    else if (keep(entry.name)) latest = Math.max(latest, statSync(path).mtimeMs);
  }
  return latest;
}

/** Builds a package whose dist is missing or older than its sources (packing skips `prepack`'s clean build: too slow here). */
async function ensureBuilt(pkg: string): Promise<void> {
  const dir = join(ROOT, pkg);
  const built = join(dir, "dist", "index.js");
  const source = newest(join(dir, "src"), (n) => n.endsWith(".ts") && !n.endsWith(".test.ts"));
  if (existsSync(built) && statSync(built).mtimeMs >= source) return;
  await run(process.execPath, [join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.build.json"], dir, process.env);
}

let work: string;
let project: string;
let collector: Collector;
let consumer: ChildProcess | undefined;
let consumerOut = "";

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "driftscope-packed-"));
  const tarballs = join(work, "tarballs");
  project = join(work, "consumer");
  for (const pkg of PACKAGES) await ensureBuilt(pkg); // in order: each build needs the ones before
  const pnpm = join(ROOT, "node_modules", "pnpm", "bin", "pnpm.cjs");
  await Promise.all(PACKAGES.map((pkg) => run(process.execPath, [pnpm, "pack", "--pack-destination", tarballs], join(ROOT, pkg), { ...cleanEnv, npm_config_ignore_scripts: "true" })));
  const tarball = (name: string) => {
    const file = readdirSync(tarballs).find((f) => f.startsWith(`${name.slice(1).replace("/", "-")}-`) && f.endsWith(".tgz"));
    if (file === undefined) throw new Error(`no tarball for ${name} in ${tarballs}`);
    return `file:${join(tarballs, file)}`;
  };
  mkdirSync(project);
  writeFileSync(
    join(project, "package.json"),
    JSON.stringify(
      {
        name: "packed-consumer",
        private: true,
        type: "module",
        dependencies: { "@driftscope/agent": tarball("@driftscope/agent"), "@driftscope/gossip": tarball("@driftscope/gossip") },
        // What a TypeScript user of a Node library has anyway (the agent's types name Node's).
        devDependencies: { "@types/node": "^20.19.0" },
        // The agent's own @driftscope dependencies (version 0.1.0) come from the tarballs too,
        // never from the registry.
        overrides: Object.fromEntries(NAMES.map((n) => [n, tarball(n)])),
      },
      null,
      2,
    ),
  );
  await run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"], project);
  collector = await createCollector({ host: "127.0.0.1", port: 0, db: join(work, "collector.db"), frameHz: 10 });
}, 240_000);

afterAll(async () => {
  if (consumer !== undefined && consumer.exitCode === null) consumer.kill("SIGKILL");
  await collector?.close();
  if (work !== undefined) rmSync(work, { recursive: true, force: true });
});

describe("the packed agent, installed outside the workspace", () => {
  it("installs manifests with versions only, types, a README and no workspace left in them", () => {
    for (const name of NAMES) {
      const dir = join(project, "node_modules", ...name.split("/"));
      const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as Record<string, unknown>;
      expect(manifest.private, name).toBeUndefined();
      expect(manifest.version, name).toBe("0.1.0");
      const ranges = JSON.stringify([manifest.dependencies, manifest.peerDependencies]);
      expect(ranges, name).not.toMatch(/workspace:|catalog:/);
      expect(existsSync(join(dir, "README.md")), name).toBe(true);
      expect(existsSync(join(dir, "dist", "index.d.ts")), name).toBe(true);
      // Not a symlink into the repository: the tarball's own copy.
      expect(realpathSync(dir).startsWith(realpathSync(work)), name).toBe(true);
    }
  });

  it("compiles a node written against the installed types (strict)", async () => {
    copyFileSync(join(HERE, "fixtures", "packedConsumer.ts"), join(project, "node.ts"));
    writeFileSync(
      join(project, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: { target: "ES2023", module: "NodeNext", moduleResolution: "NodeNext", strict: true, noUncheckedIndexedAccess: true, skipLibCheck: true, types: ["node"] },
        files: ["node.ts"],
      }),
    );
    // typescript is a tool, not a dependency: the workspace's compiler resolves every import
    // from the project. (Checking the libraries' .d.ts too quadruples the time; they pass.)
    await run(process.execPath, [join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.json"], project);
    expect(existsSync(join(project, "node.js"))).toBe(true);
  }, COMMAND_TIMEOUT_MS);

  it("runs the launcher CLI from the installed bin", async () => {
    const help = await run(process.execPath, [join(project, "node_modules", ".bin", "driftscope-agent"), "--help"], project);
    expect(help).toContain("--replicas");
  }, COMMAND_TIMEOUT_MS);

  it("runs that node against a real collector: its four replicas are seen, converge, and leave on close", async () => {
    consumer = spawn(process.execPath, ["node.js", collector.url], { cwd: project, env: cleanEnv, stdio: ["ignore", "pipe", "pipe"] });
    consumer.stdout!.on("data", (chunk: Buffer) => (consumerOut += chunk.toString()));
    consumer.stderr!.on("data", (chunk: Buffer) => (consumerOut += chunk.toString()));
    await eventually("the node starts", () => consumerOut.includes("ready"), 15_000);
    const resolved = /resolved (\S+) (\S+)/.exec(consumerOut);
    expect(resolved, consumerOut).not.toBeNull();
    for (const url of resolved!.slice(1)) expect(realpathSync(fileURLToPath(url)).startsWith(realpathSync(project))).toBe(true);

    const engine = collector.core.engine;
    await eventually(
      "the collector sees every replica of the node, the gossip ones caught up with each other",
      () => {
        const figures = engine.replicaFigures(Date.now());
        const mine = REPLICAS.map((id) => figures.find((f) => f.id === id));
        if (mine.some((f) => f === undefined || f.status !== 0 || f.seq === 0)) return false;
        // The hand-written replica does not gossip: only the gossip replicas catch up with each other.
        const vvs = ["packed-0", "packed-1", "packed-2"].map((id) => JSON.stringify([...(engine.versionVector(id) ?? [])].sort()));
        return new Set(vvs).size === 1;
      },
      20_000,
    );
    expect(collector.core.agents.nodeOf("packed-0")).toBe("packed-consumer");

    consumer.kill("SIGTERM");
    const code = await new Promise<number | null>((resolve) => consumer!.once("exit", resolve));
    expect(code, consumerOut).toBe(0);
    await eventually("the replicas leave (bye)", () => REPLICAS.every((id) => !engine.hasReplica(id)), 5_000);
  }, 60_000);
});
