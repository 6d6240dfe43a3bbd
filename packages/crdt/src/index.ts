// @driftscope/crdt — state-based CRDTs with delta mutators, causal contexts and digests.
// Pure: no I/O, no timers, no Node-only APIs (runs in browsers too).
export { vvApplyDiff, vvDiff, vvDominates, vvEquals, vvGet, vvMerge, vvMissing, vvSize, type VersionVector } from "./versionVector.js";
export { CausalContext, compareDots, type Dot, type DotRange } from "./CausalContext.js";
export { ReplicaMap } from "./ReplicaMap.js";
export { FORMAT_VERSION, TYPE_TAGS, type CausalState, type CrdtType, type CrdtTypeName } from "./CrdtType.js";
export { GCounter, type GCounterOp, type GCounterState } from "./GCounter.js";
export { PNCounter, type PNCounterOp, type PNCounterState } from "./PNCounter.js";
export { GSet, type GSetOp, type GSetState } from "./GSet.js";
export { AWSet, type AWSetOp, type AWSetState, type AWSetStore } from "./AWSet.js";
export { LWWRegister, compareWrites, type LWWOp, type LWWState, type LWWWrite } from "./LWWRegister.js";
export { MVRegister, type MVItem, type MVRegisterOp, type MVRegisterState, type MVRegisterStore } from "./MVRegister.js";
export { AWMap, type AWMapEntry, type AWMapOp, type AWMapState, type AWMapStore } from "./AWMap.js";
export { CRDT_TYPE_NAMES, DEFAULT_AWMAP_NESTED, crdtTypeByName, randomOp, type RandomOpOptions } from "./registry.js";
export { ReplicaState, decodeDelta, encodeDelta, mergeDeltas, type Delta, type Digest, type MergeOptions, type MergeResult } from "./ReplicaState.js";
export { hash128, hash64, murmur3x86_128 } from "./hash.js";
export { DecodeError } from "./encoding.js";
export { comparePrimitives, type JsonValue, type Primitive } from "./values.js";
