// The native helper of native/memory_release.cc, built at install when the machine can
// (scripts/build-native.mjs): absent, the collector keeps what V8 and glibc keep.
import { createRequire } from "node:module";

export interface MemoryRelease {
  /** V8 collects with compaction and gives its free pages back (a pause of tens to hundreds of ms). */
  lowMemory(): void;
  /** glibc gives back the free pages inside its heap; false where it cannot (another C library). */
  trimCHeap(): boolean;
  /** Bytes glibc holds free in its arenas; -1 where it cannot say. */
  freeCHeap(): number;
}

let loaded: MemoryRelease | null | undefined;

/** The helper, or undefined when it was not built here. */
export function memoryRelease(): MemoryRelease | undefined {
  if (loaded === undefined) {
    try {
      // From src/ and from dist/ alike: node-gyp builds into the package's build/.
      loaded = createRequire(import.meta.url)("../build/Release/memory_release.node") as MemoryRelease;
    } catch {
      loaded = null;
    }
  }
  return loaded ?? undefined;
}
