// Partition editor maths: split replicas into k groups, move replicas between groups,
// and normalise (no empty groups; a single group means no partition).

/** Splits `ids` (in id order) into `k` contiguous groups of near-equal size. */
export function splitIntoGroups(ids: readonly string[], k: number): string[][] {
  const sorted = [...ids].sort(new Intl.Collator(undefined, { numeric: true }).compare);
  const groups = Math.max(1, Math.min(Math.floor(k), sorted.length));
  if (groups <= 1) return [];
  const out: string[][] = [];
  for (let g = 0; g < groups; g++) out.push(sorted.slice(Math.floor((g * sorted.length) / groups), Math.floor(((g + 1) * sorted.length) / groups)));
  return out;
}

/**
 * The groups as the editor shows them: the listed ones plus, if any replica is in none,
 * one more group holding the rest (the protocol's implicit group).
 */
export function displayGroups(ids: readonly string[], partitions: readonly (readonly string[])[]): string[][] {
  if (partitions.length === 0) return [[...ids]];
  const listed = new Set(partitions.flat());
  const rest = ids.filter((id) => !listed.has(id));
  const groups = partitions.map((g) => g.filter((id) => ids.includes(id)));
  return rest.length > 0 ? [...groups, rest] : groups;
}

/** Moves `moving` into group `target` (an index into `groups`, or groups.length for a new group); drops empty groups. */
export function moveToGroup(groups: readonly (readonly string[])[], moving: readonly string[], target: number): string[][] {
  const m = new Set(moving);
  const next = groups.map((g) => g.filter((id) => !m.has(id)));
  if (target >= next.length) next.push([...moving]);
  else next[target] = [...next[target]!, ...moving];
  return normalise(next);
}

/** No empty groups; one group (everyone together) is no partition at all. */
export function normalise(groups: readonly (readonly string[])[]): string[][] {
  const nonEmpty = groups.filter((g) => g.length > 0).map((g) => [...g]);
  return nonEmpty.length <= 1 ? [] : nonEmpty;
}
