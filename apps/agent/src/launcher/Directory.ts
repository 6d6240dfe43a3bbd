// Peer discovery for launchers joined over WebSocket. A process knows its peers' URLs
// (`--peers`), not the ids of the replicas they host. Each process attaches one extra
// endpoint, `dir:<its url>`, to the transport; directory endpoints periodically tell each
// other every process they know and the replicas it hosts, so every process learns every
// replica (transitively: A–B and B–C are enough for A and C to find each other).
import type { Endpoint, Membership, WebSocketTransport } from "@driftscope/gossip";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** One directory message: every process known, as [url, replica ids]. */
interface DirectoryMessage {
  type: "driftscope-directory";
  entries: Array<[url: string, replicas: string[]]>;
}

/** Id of the directory endpoint of the process listening at `url`. */
export const directoryId = (url: string) => `dir:${url}`;

export class Directory {
  readonly #transport: WebSocketTransport;
  readonly #membership: Membership;
  readonly #selfUrl: string;
  /** Replica ids per process URL (this process included). */
  readonly #processes = new Map<string, Set<string>>();
  readonly #endpoint: Endpoint;
  #timer: ReturnType<typeof setInterval> | undefined;
  /** Called when replicas of other processes are learnt. */
  onLearnt: ((replicas: string[]) => void) | undefined;

  constructor(transport: WebSocketTransport, membership: Membership, selfUrl: string, localReplicas: readonly string[], peerUrls: readonly string[]) {
    this.#transport = transport;
    this.#membership = membership;
    this.#selfUrl = selfUrl;
    this.#processes.set(selfUrl, new Set(localReplicas));
    this.#endpoint = transport.attach(directoryId(selfUrl), (_from, bytes) => this.#receive(bytes));
    for (const url of peerUrls) this.#addProcess(url);
  }

  /** Replicas known on other processes. */
  remoteReplicas(): string[] {
    const out: string[] = [];
    for (const [url, ids] of this.#processes) if (url !== this.#selfUrl) out.push(...ids);
    return out;
  }

  /** Announces now and then every `everyMs` (peers that start later, or restart, are found). */
  start(everyMs = 1000): void {
    this.announce();
    this.#timer = setInterval(() => this.announce(), everyMs);
  }

  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    this.#endpoint.close();
  }

  announce(): void {
    const message: DirectoryMessage = { type: "driftscope-directory", entries: [...this.#processes].map(([url, ids]) => [url, [...ids]]) };
    const bytes = encoder.encode(JSON.stringify(message));
    for (const url of this.#processes.keys()) if (url !== this.#selfUrl) this.#endpoint.send(directoryId(url), bytes);
  }

  #addProcess(url: string): Set<string> {
    let ids = this.#processes.get(url);
    if (ids === undefined) {
      ids = new Set();
      this.#processes.set(url, ids);
      this.#transport.addPeer(directoryId(url), url);
    }
    return ids;
  }

  #receive(bytes: Uint8Array): void {
    let message: DirectoryMessage;
    try {
      message = JSON.parse(decoder.decode(bytes)) as DirectoryMessage;
    } catch {
      return;
    }
    if (message?.type !== "driftscope-directory" || !Array.isArray(message.entries)) return;
    const learnt: string[] = [];
    let newProcess = false;
    for (const entry of message.entries) {
      if (!Array.isArray(entry) || typeof entry[0] !== "string" || !Array.isArray(entry[1])) continue;
      const [url, replicas] = entry;
      if (url === this.#selfUrl || !/^wss?:\/\//.test(url)) continue;
      if (!this.#processes.has(url)) newProcess = true;
      const ids = this.#addProcess(url);
      for (const id of replicas) {
        if (typeof id !== "string" || ids.has(id) || this.#processes.get(this.#selfUrl)!.has(id)) continue;
        ids.add(id);
        this.#transport.addPeer(id, url);
        if (this.#membership.join(id)) learnt.push(id);
      }
    }
    if (learnt.length > 0) this.onLearnt?.(learnt);
    // Someone new: tell everyone at once rather than at the next period.
    if (newProcess) this.announce();
  }
}
