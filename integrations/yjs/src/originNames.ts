// How the Yjs clients in a document are named as origins of version vectors.
//
// A Yjs client id is random per session, so it cannot name a replica across restarts, and
// every replica must call one client by the same name or the collector would count the
// same updates twice. Each session therefore claims a name in the document itself: one
// entry of a reserved top-level map, written in its first local transaction, so it is the
// session's first item (clock 0). Yjs integrates a client's items in clock order, so a
// replica that holds any item of a session holds its name too: names agree everywhere
// without any other channel.
//
// A session is named after the replica's stable id; a later session of the same replica
// (a restart that kept the document) takes `id:1`, `id:2`… (docs/protocol.md §3.7: its seqs
// start again, so they get a new origin). Clients with no claim keep their client id.
import * as Y from "yjs";

/** The reserved top-level map: client id (decimal) → origin name. */
export const ORIGINS_MAP = "driftscope:origins";

const VALID_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export class OriginNames {
  readonly #map: Y.Map<unknown>;
  /** client → name, and name → client, as of the last refresh. */
  #names = new Map<number, string>();
  #clients = new Map<string, number>();

  constructor(readonly doc: Y.Doc) {
    this.#map = doc.getMap(ORIGINS_MAP);
    this.refresh();
  }

  /** The reserved map (a transaction that changed it calls for a refresh). */
  get map(): Y.Map<unknown> {
    return this.#map;
  }

  /** The origin name of `client`. */
  nameOf(client: number): string {
    return this.#names.get(client) ?? String(client);
  }

  /** The client an origin name stands for, or undefined. */
  clientOf(origin: string): number | undefined {
    const named = this.#clients.get(origin);
    if (named !== undefined) return named;
    // Unclaimed clients go by their decimal id (unless that string is some session's name).
    if (!/^\d{1,16}$/.test(origin)) return undefined;
    const client = Number(origin);
    return this.#names.has(client) ? undefined : client;
  }

  /** Whether `client` has claimed a name. */
  isNamed(client: number): boolean {
    return this.#names.has(client);
  }

  /**
   * Claims a name for the document's current client, if it has none and has issued nothing
   * yet (a claim must be its first item to travel with all its others). Call inside a local
   * transaction. Returns the name claimed, or undefined.
   */
  claim(id: string): string | undefined {
    const client = this.doc.clientID;
    if (this.#names.has(client) || this.#map.has(String(client)) || Y.getState(this.doc.store, client) > 0) return undefined;
    const taken = new Set<unknown>(this.#map.values());
    let name = id;
    for (let k = 1; taken.has(name); k++) name = `${id}:${k}`;
    this.#map.set(String(client), name);
    return name;
  }

  /**
   * Re-reads the claims. Two sessions claiming one name (a replica restarted without its
   * document that reused its id) are told apart the same way everywhere: the lower client
   * id keeps the name, the other becomes `name:c<client>`. Returns the clients whose name
   * changed.
   */
  refresh(): number[] {
    const claims = new Map<string, number[]>();
    for (const [key, value] of this.#map.entries()) {
      if (!/^\d{1,16}$/.test(key) || typeof value !== "string" || !VALID_ID.test(value)) continue;
      const list = claims.get(value) ?? [];
      list.push(Number(key));
      claims.set(value, list);
    }
    const names = new Map<number, string>();
    for (const [name, list] of claims) {
      list.sort((a, b) => a - b);
      list.forEach((client, k) => names.set(client, k === 0 ? name : `${name}:c${client}`));
    }
    const renamed: number[] = [];
    for (const [client, name] of this.#names) if (names.get(client) !== name) renamed.push(client);
    this.#names = names;
    this.#clients = new Map([...names].map(([client, name]) => [name, client]));
    return renamed;
  }
}
