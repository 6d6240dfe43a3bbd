// @driftscope/gossip: the replica runtime (anti-entropy, membership, transports, clocks).
export { type Clock, type Scheduler, type Timer } from "./time/Scheduler.js";
export { RealScheduler } from "./time/RealScheduler.js";
export { VirtualScheduler } from "./time/VirtualScheduler.js";
export { Rng } from "./time/Rng.js";
export { type DropListener, type DropReason, type Endpoint, type MessageHandler, type Transport } from "./net/Transport.js";
export { InMemoryNetwork, PERFECT_LINK, type LinkConditions, type NetworkFaults } from "./net/InMemoryNetwork.js";
export { WebSocketTransport, type WebSocketTransportOptions } from "./net/WebSocketTransport.js";
export { Membership, PartialView, StaticView, samplePeers, type PeerView } from "./membership/Membership.js";
export { DEFAULT_GOSSIP_CONFIG, withConfig, type GossipConfig } from "./config.js";
export { type MessageKind, type PayloadKind } from "./wire/message.js";
export type { GossipMode } from "./theory/meanField.js";
export { Replica, type ReplicaOptions, type ReplicaStatus, type ReplicaTraffic } from "./replica/Replica.js";
export { InclusionJournal, type InclusionSink } from "./replica/InclusionJournal.js";
export { Cluster, type ClusterOptions } from "./cluster/Cluster.js";
export { Workload, type WorkloadConfig } from "./cluster/Workload.js";
export {
  GossipEvents,
  type ConfigAppliedEvent,
  type DropEvent,
  type GossipEvent,
  type GossipEventMap,
  type GossipEventType,
  type MembershipEvent,
  type MergeEvent,
  type ReceiveEvent,
  type SampledEventType,
  type SampledSubscription,
  type SendEvent,
  type UpdateEvent,
} from "./events.js";
export { measureSpread, type SpreadTrialOptions, type SpreadTrialResult } from "./experiments/spread.js";
export { simulatePoint, type PointObservation, type PointSpec, type PointStop } from "./experiments/simulatePoint.js";
export { visibilityAt } from "./experiments/delayHistogram.js";
