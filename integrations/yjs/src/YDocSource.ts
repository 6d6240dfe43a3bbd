// A Yjs document as a Driftscope replica source.
//
// Every transaction is read once, in `afterTransaction`, from what Yjs records on it: the
// state vector before and after (the dots it added, per client) and its delete set. A local
// transaction issued the replica's own dots; any other (Y.applyUpdate and everything built
// on it) is one merge, changing exactly when it added items or deleted some. Messages are
// counted where the sync helpers (syncPaths.ts, yProtocols.ts) send and receive them.
import { SyncTally, type DotRun, type ReplicaDigest, type ReplicaObserver, type ReplicaSource, type StateDigest } from "@driftscope/agent";
import * as Y from "yjs";
import { OriginNames } from "./originNames.js";
import { digestYDoc, type YStateDigest } from "./stateHash.js";

/** A payload kind as the protocol counts it. */
export type SyncKind = Parameters<SyncTally["sent"]>[0];

export interface ObserveYDocOptions {
  /**
   * Stable replica id (1–128 chars of `A-Za-z0-9._:-`), the same after every restart of
   * this replica: its row in the dashboard. Yjs client ids change every session and
   * cannot be one.
   */
  id: string;
  /**
   * How Yjs clients are named as origins of the version vector:
   * - `"named"` (default): each session claims a name in the document (one entry of the
   *   top-level map `driftscope:origins`, written with its first local change): `id`, then
   *   `id:1`, `id:2`… for later sessions. Every replica then calls a session's dots by the
   *   same name, and this replica's own dots are its own (exact issue times).
   * - `"client-id"`: nothing is written into the document; origins are Yjs client ids. The
   *   replica's own dots then count under its client id, and the collector estimates their
   *   issue times from the reports.
   */
  origins?: "named" | "client-id";
  /** A short description of the value for the dashboard (≤ 256 chars). */
  summary?: (doc: Y.Doc) => string;
  /** The type label shown in the dashboard (default `yjs-doc`). */
  crdtType?: string;
}

export class YDocSource implements ReplicaSource {
  readonly id: string;
  readonly crdtType: string;
  readonly doc: Y.Doc;
  readonly names: OriginNames;
  readonly #named: boolean;
  readonly #summary: ((doc: Y.Doc) => string) | undefined;
  readonly #tally = new SyncTally();
  readonly #observers = new Set<ReplicaObserver>();
  /** The peer whose payload is being merged (set by the sync helpers around Y.applyUpdate). */
  #peer: string | undefined;
  #state: YStateDigest | undefined;
  readonly #off: () => void;

  constructor(doc: Y.Doc, options: ObserveYDocOptions) {
    this.doc = doc;
    this.id = options.id;
    this.crdtType = options.crdtType ?? "yjs-doc";
    this.#named = (options.origins ?? "named") === "named";
    this.#summary = options.summary;
    this.names = new OriginNames(doc);
    const before = (tr: Y.Transaction) => {
      if (tr.local && this.#named) this.names.claim(this.id);
    };
    const after = (tr: Y.Transaction) => this.#afterTransaction(tr);
    doc.on("beforeTransaction", before);
    doc.on("afterTransaction", after);
    this.#off = () => {
      doc.off("beforeTransaction", before);
      doc.off("afterTransaction", after);
    };
    doc.on("destroy", this.#off);
  }

  /** The origin name of Yjs client `client` in version vectors. */
  originOf(client: number): string {
    return this.names.nameOf(client);
  }

  digest(): ReplicaDigest {
    return { versionVector: this.#versionVector(), ...this.stateDigest() };
  }

  stateDigest(): StateDigest {
    // Encoding the snapshot and the state walks the whole document: cached until a
    // transaction changes something.
    const d = (this.#state ??= digestYDoc(this.doc));
    const summary = this.#summary?.(this.doc) ?? `${d.clients} clients, ${d.dots} dots, ${d.deleted} deleted`;
    return { hash: d.hash, bytes: d.bytes, summary: summary.slice(0, 256) };
  }

  versionVectorEntry(origin: string): number {
    const client = this.names.clientOf(origin);
    return client === undefined ? 0 : Y.getState(this.doc.store, client);
  }

  syncCounters(): ReturnType<SyncTally["read"]> {
    return this.#tally.read();
  }

  observe(observer: ReplicaObserver): () => void {
    this.#observers.add(observer);
    return () => this.#observers.delete(observer);
  }

  /** Stops following the document (also done when the document is destroyed). */
  close(): void {
    this.#off();
    this.#observers.clear();
  }

  // ── what the sync helpers call (and hand-written providers may) ──────────────────

  /** A message of `bytes` bytes left for `peer`. */
  countSent(kind: SyncKind, bytes: number, peer?: string): void {
    this.#tally.sent(kind, bytes);
    for (const o of this.#observers) o.sent(kind, bytes, peer);
  }

  /** A message of `bytes` bytes arrived from `peer`. */
  countReceived(kind: SyncKind, bytes: number, peer?: string): void {
    this.#tally.received(bytes);
    for (const o of this.#observers) o.received(kind, bytes, peer);
  }

  /** Runs `apply` (which applies a payload from `peer`) so that its merge is attributed to `peer`. */
  mergeFrom<T>(peer: string | undefined, apply: () => T): T {
    const outer = this.#peer;
    this.#peer = peer;
    try {
      return apply();
    } finally {
      this.#peer = outer;
    }
  }

  // ── reading transactions ──────────────────────────────────────────────────────────

  #versionVector(): Map<string, number> {
    const vv = new Map<string, number>();
    for (const [client, clock] of Y.decodeStateVector(Y.encodeStateVector(this.doc))) vv.set(this.names.nameOf(client), clock);
    return vv;
  }

  #afterTransaction(tr: Y.Transaction): void {
    const renamed = (tr.changed as ReadonlyMap<unknown, unknown>).has(this.names.map) ? this.names.refresh() : [];
    const runs: DotRun[] = [];
    let ownFrom = 0;
    let ownTo = 0;
    for (const [client, clock] of tr.afterState) {
      const was = tr.beforeState.get(client) ?? 0;
      if (clock <= was) continue;
      const origin = this.names.nameOf(client);
      if (origin === this.id) {
        ownFrom = was + 1;
        ownTo = clock;
      } else runs.push({ replica: origin, from: was + 1, to: clock });
    }
    const deleted = tr.deleteSet.clients.size > 0;
    const changed = deleted || runs.length > 0 || ownTo > 0;
    if (changed) this.#state = undefined;
    if (!tr.local) this.#tally.merged(changed);
    for (const o of this.#observers) {
      if (tr.local) {
        for (let seq = ownFrom; seq <= ownTo && ownTo > 0; seq++) o.updated(seq);
        // Own dots under another name (client-id origins, a later session's `id:k`) are in the
        // state from the moment they are issued. A local delete issues no dot but changes the
        // state. Either is passed as merged() with its runs: this source counts its merges
        // itself, so the agent counts none here, and it compares no vectors.
        if (runs.length > 0 || (deleted && ownTo === 0)) o.merged(true, runs);
      } else {
        o.merged(changed, changed ? runs : undefined, this.#peer);
        // Dots under this replica's own id arriving from elsewhere: its earlier sessions'
        // (a stored document loaded back). updated() would date them now, so the agent is
        // told to read the vector instead.
        if (ownTo > 0) o.changed();
      }
      // A name that changed for dots already reported: the agent re-reads the whole vector.
      if (renamed.some((client) => (tr.beforeState.get(client) ?? 0) > 0)) o.changed();
    }
  }
}
