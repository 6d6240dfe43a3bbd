// The cluster collector-ingest's agents report and collector-fold folds in one process: the
// same reports, so the in-process split explains the end-to-end figures.
export const CONNECTIONS = 8;
export const REPLICAS_PER_CONNECTION = 128;
export const REPLICAS = CONNECTIONS * REPLICAS_PER_CONNECTION;
/** Report rate of the collector's frames and of agents at 100 % of the nominal load. */
export const HZ = 10;
export const UPDATES_PER_SEC = 2;
/**
 * vv entries per replica report, in every phase (the same payloads; the load points vary the
 * report rate). Large enough that 400 % of the collector's capacity fits under the protocol's
 * fastest rate: with 24, even 100 % needed more than 20 Hz.
 */
export const ENTRIES = 160;
/** The fastest report rate the protocol allows (an interval of 50 ms). */
export const MAX_HZ = 20;
