// @driftscope/agent/testing: the contract any replica source meets, as a suite for any test
// framework (apps/agent/SPEC.md §1), and the ground truth a live test keeps to check the
// collector's figures. Run the contract against your own adapter:
//   replicaSourceContract(harness, { describe, it, expect })
export { replicaSourceContract } from "./replicaSourceContract.js";
export type { ContractOptions, ReplicaSourceHarness, SourceCluster, TestApi } from "./harness.js";
export { RecordingObserver, type Observed } from "./RecordingObserver.js";
export { ConvergenceTruth, type ConvergenceSampleTuple } from "./ConvergenceTruth.js";
