// An Automerge document as a Driftscope replica source.
//
// Automerge documents are values: every change or merge gives a new one. The source holds
// the current document and moves it forward through the sync calls (syncPaths.ts), reading
// each step from the change metadata (actor, seq) of what the step added: the version vector
// is, per actor, the highest seq of its changes in the document (Automerge applies a
// change only after its dependencies, and an actor's changes depend on its previous ones,
// so 1..seq are all there). The hash is the document's heads, which name its whole change
// history.
import { hashBytes, SyncTally, type DotRun, type ReplicaDigest, type ReplicaObserver, type ReplicaSource, type StateDigest } from "@driftscope/agent";
import * as A from "@automerge/automerge";
import { originOfActor } from "./actorNames.js";

/** A payload kind as the protocol counts it. */
export type SyncKind = Parameters<SyncTally["sent"]>[0];

export interface ObserveAutomergeOptions<T> {
  /**
   * Stable replica id (1–128 chars of `A-Za-z0-9._:-`), the same after every restart: its
   * row in the dashboard. Give the document the actor `actorFor(id)` (and keep its state
   * across restarts) so that its own changes count under this id.
   */
  id: string;
  /** A short description of the value for the dashboard (≤ 256 chars). */
  summary?: (doc: A.Doc<T>) => string;
  /** The type label shown in the dashboard (default `automerge-doc`). */
  crdtType?: string;
}

/** How the document moved to its next value. */
export type Step = { local: true } | { local: false; peer?: string | undefined };

export class AutomergeSource<T> implements ReplicaSource {
  readonly id: string;
  readonly crdtType: string;
  readonly #summary: ((doc: A.Doc<T>) => string) | undefined;
  readonly #tally = new SyncTally();
  readonly #observers = new Set<ReplicaObserver>();
  readonly #vv = new Map<string, number>();
  #doc: A.Doc<T>;
  #heads: A.Heads;
  #state: StateDigest | undefined;

  constructor(doc: A.Doc<T>, options: ObserveAutomergeOptions<T>) {
    this.id = options.id;
    this.crdtType = options.crdtType ?? "automerge-doc";
    this.#summary = options.summary;
    this.#doc = doc;
    this.#heads = A.getHeads(doc);
    for (const meta of A.getChangesMetaSince(doc, [])) this.#raise(originOfActor(meta.actor), meta.seq);
  }

  /** The current document: use it (not an older value) for everything that follows. */
  get doc(): A.Doc<T> {
    return this.#doc;
  }

  /** The origin name of this document's actor (the id when the actor is `actorFor(id)`). */
  get origin(): string {
    return originOfActor(A.getActorId(this.#doc));
  }

  digest(): ReplicaDigest {
    return { versionVector: new Map(this.#vv), ...this.stateDigest() };
  }

  stateDigest(): StateDigest {
    // Saving encodes the whole document: cached until it changes.
    if (this.#state === undefined) {
      const heads = [...this.#heads].sort().join(",");
      const stats = A.stats(this.#doc);
      const summary = this.#summary?.(this.#doc) ?? `${stats.numChanges} changes, ${stats.numOps} ops, ${this.#heads.length} heads`;
      this.#state = { hash: hashBytes(new TextEncoder().encode(heads)), bytes: A.save(this.#doc).byteLength, summary: summary.slice(0, 256) };
    }
    return this.#state;
  }

  versionVectorEntry(origin: string): number {
    return this.#vv.get(origin) ?? 0;
  }

  syncCounters(): ReturnType<SyncTally["read"]> {
    return this.#tally.read();
  }

  observe(observer: ReplicaObserver): () => void {
    this.#observers.add(observer);
    return () => this.#observers.delete(observer);
  }

  // ── what the sync calls use (and hand-written sync paths may) ───────────────────────

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

  /**
   * Moves to `next`, a later value of the current document. A local step issued this
   * replica's changes; any other is one merge (of `peer`'s payload), changing exactly when
   * it added changes.
   */
  moveTo(next: A.Doc<T>, step: Step): A.Doc<T> {
    const metas = A.getChangesMetaSince(next, this.#heads);
    this.#doc = next;
    this.#heads = A.getHeads(next);
    const runs: DotRun[] = [];
    let ownFrom = 0;
    let ownTo = 0;
    const top = new Map<string, number>();
    for (const meta of metas) {
      const origin = originOfActor(meta.actor);
      top.set(origin, Math.max(meta.seq, top.get(origin) ?? 0));
    }
    for (const [origin, seq] of top) {
      const was = this.#vv.get(origin) ?? 0;
      if (seq <= was) continue;
      this.#raise(origin, seq);
      if (origin === this.id) {
        ownFrom = was + 1;
        ownTo = seq;
      } else runs.push({ replica: origin, from: was + 1, to: seq });
    }
    const changed = metas.length > 0;
    if (changed) this.#state = undefined;
    if (!step.local) this.#tally.merged(changed);
    for (const o of this.#observers) {
      if (step.local) {
        for (let seq = ownFrom; seq <= ownTo && ownTo > 0; seq++) o.updated(seq);
        // Changes of another actor in a local step (a document whose actor is not
        // actorFor(id)): in the state from now. This source counts its merges itself, so
        // the agent counts none here.
        if (runs.length > 0) o.merged(true, runs);
      } else {
        o.merged(changed, changed ? runs : undefined, step.peer);
        // This replica's own earlier changes coming back (it restarted without them):
        // updated() would date them now, so the agent is told to read the vector instead.
        if (ownTo > 0) o.changed();
      }
    }
    return next;
  }

  #raise(origin: string, seq: number): void {
    if (seq > (this.#vv.get(origin) ?? 0)) this.#vv.set(origin, seq);
  }
}
