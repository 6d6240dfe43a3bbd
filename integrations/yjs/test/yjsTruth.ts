// The tests' own account of a Yjs document's state, independent of the adapter's hash: every
// clock unit it holds, per client, and which of them are deleted — read item by item from
// the struct store rather than from encoded snapshots or delete-set runs.
import * as Y from "yjs";

export function yjsTruth(doc: Y.Doc): string {
  const clients = [...doc.store.clients.entries()].sort(([a], [b]) => a - b);
  return JSON.stringify(
    clients.map(([client, structs]) => {
      const deleted: number[] = [];
      for (const s of structs) if (s.deleted) for (let k = 0; k < s.length; k++) deleted.push(s.id.clock + k);
      return [client, Y.getState(doc.store, client), deleted];
    }),
  );
}
