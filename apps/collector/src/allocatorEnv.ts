// glibc returns a freed block of 128 KiB or more to the system only while its mmap threshold
// is low, and raises that threshold to the largest block freed (up to 32 MiB). After one burst
// of 8 MiB ingest bodies and 1 MB snapshots, later large buffers come from the heap and their
// pages stay with the process: bench collector-hostile saw RSS 1.3–1.4× its baseline 15 s
// after an attack, ~1.2× with the thresholds fixed. glibc reads them only at process start,
// so whoever starts the collector sets them (`npm start` does; docs/security.md).

/** Environment variables that fix glibc's thresholds (other C libraries ignore them). */
export const ALLOCATOR_ENV: Readonly<Record<string, string>> = {
  MALLOC_MMAP_THRESHOLD_: "131072",
  MALLOC_TRIM_THRESHOLD_: "131072",
};

/** `env` with ALLOCATOR_ENV added where `env` does not set the variable itself. */
export function withAllocatorEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out = { ...env };
  for (const [name, value] of Object.entries(ALLOCATOR_ENV)) out[name] ??= value;
  return out;
}
