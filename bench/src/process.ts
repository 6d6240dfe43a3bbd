import type { ChildProcess } from "node:child_process";

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
