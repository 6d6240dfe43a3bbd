// Public face of @driftscope/agent: embed an agent in any node, attach replica sources,
// let the collector retune the host. The launcher is exported for hosts that want the
// driftscope-agent behaviour in-process (tests, benchmarks).
export { createAgent, defaultAgentId, type Agent, type AgentLogger, type AgentOptions, type AgentStatus } from "./Agent.js";
export {
  fromGossipReplica,
  toVersionVectorMap,
  type DotRun,
  type ReplicaDigest,
  type ReplicaObserver,
  type ReplicaRunState,
  type ReplicaSource,
  type StateDigest,
  type VersionVectorInput,
} from "./ReplicaSource.js";
export { SyncTally } from "./SyncTally.js";
export { hashBytes } from "./hashBytes.js";
export { type ConfigHandler } from "./control/ConfigApplier.js";
export { type BackoffOptions } from "./connection/backoff.js";
export { type DroppedCounts } from "./telemetry/BoundedBuffer.js";
export { Launcher, type LauncherOptions } from "./launcher/Launcher.js";
export { parseLauncherArgs } from "./launcher/cliOptions.js";
