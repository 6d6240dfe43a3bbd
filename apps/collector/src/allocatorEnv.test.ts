import { describe, expect, it } from "vitest";
import { ALLOCATOR_ENV, withAllocatorEnv } from "./allocatorEnv.js";

describe("allocator environment for the collector process", () => {
  it("adds glibc's fixed thresholds, keeps what the caller set and everything else", () => {
    const env = withAllocatorEnv({ PATH: "/bin", MALLOC_TRIM_THRESHOLD_: "0" });
    expect(env).toEqual({ PATH: "/bin", MALLOC_TRIM_THRESHOLD_: "0", MALLOC_MMAP_THRESHOLD_: ALLOCATOR_ENV.MALLOC_MMAP_THRESHOLD_ });
  });
});
