/** Placeholder: replaced by the CRDT library. */
export const CRDT_PLACEHOLDER = 1;
