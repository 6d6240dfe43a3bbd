import type { ChildProcess } from "node:child_process";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

// A full garbage collection on demand (benchmarks call it before a timed window, so that what
// earlier rows left on the heap is not collected on the measured row's time).
setFlagsFromString("--expose-gc");
export const collectGarbage = runInNewContext("gc") as () => void;

/** Resolves with the first stdout match of `pattern` (its first group) from a child process. */
export function waitForLine(child: ChildProcess, pattern: RegExp, timeoutMs: number): Promise<string> {
  return new Promise((resolveLine, reject) => {
    let buffer = "";
    const timer = setTimeout(() => reject(new Error(`no line matching ${pattern} within ${timeoutMs} ms; output: ${buffer.slice(-500)}`)), timeoutMs);
    child.stdout!.on("data", (chunk: Buffer) => {
      buffer += chunk.toString();
      const m = pattern.exec(buffer);
      if (m) {
        clearTimeout(timer);
        resolveLine(m[1] ?? m[0]);
      }
    });
    child.once("exit", (code) => reject(new Error(`process exited (${code}) before printing ${pattern}: ${buffer.slice(-500)}`)));
  });
}
