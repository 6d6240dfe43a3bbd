// The frame timer. setInterval re-arms from when its callback ran, so a loop that is late
// by 20 ms every tick sends 8 frames a second instead of 10; this clock aims at fixed
// instants (start + k × period) and, when it fell more than a period behind, builds one
// frame from the latest state and goes on from now (missed frames are not made up).

/** A running clock; `stop` ends it. */
export interface Clock {
  stop(): void;
}

/** Calls `fn` every `periodMs` on average, catching up on lateness; the timer does not keep the process alive. */
export function startClock(periodMs: number, fn: () => void, now: () => number = () => performance.now()): Clock {
  let due = now() + periodMs;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  const arm = () => {
    timer = setTimeout(run, Math.max(0, due - now()));
    timer.unref();
  };
  const run = () => {
    if (stopped) return;
    const t = now();
    due = t - due > periodMs ? t + periodMs : due + periodMs;
    try {
      fn();
    } finally {
      if (!stopped) arm();
    }
  };
  arm();
  return {
    stop() {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
    },
  };
}
