import { CRDT_PLACEHOLDER } from "@driftscope/crdt";
export const G = CRDT_PLACEHOLDER + 1;
