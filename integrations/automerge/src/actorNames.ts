// Automerge actors as origins of version vectors. An actor id is any byte string (hex on
// the API); an actor made from a replica id's UTF-8 bytes (`actorFor("editor-a")`) reads
// back as that id on every replica, with no other channel, so the replica's own changes
// count under its own id. Other actors (random ones) are named by their hex.

const VALID_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const decoder = new TextDecoder("utf-8", { fatal: true });

/** The actor id (hex) for replica `id`: its UTF-8 bytes. Pass it to Automerge.init / load. */
export function actorFor(id: string): string {
  if (!VALID_ID.test(id)) throw new TypeError(`replica id ${JSON.stringify(id)}: 1–128 chars of A-Za-z0-9._:-`);
  let hex = "";
  for (const byte of new TextEncoder().encode(id)) hex += byte.toString(16).padStart(2, "0");
  return hex;
}

/** The origin name of an actor: the replica id it was made from, else its hex. */
export function originOfActor(actor: string): string {
  if (actor.length % 2 === 0 && /^[0-9a-f]+$/i.test(actor)) {
    const bytes = new Uint8Array(actor.length / 2);
    for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(actor.slice(2 * i, 2 * i + 2), 16);
    try {
      const text = decoder.decode(bytes);
      // A random 16-byte actor reads as such an id with odds of about 1 in 10^9.
      if (VALID_ID.test(text)) return text;
    } catch {
      // not UTF-8: a random actor
    }
  }
  return actor.slice(0, 128);
}
