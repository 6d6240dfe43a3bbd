// `driftscope-simulate [points.json]`: simulates experiment points in virtual time, in a
// process of its own so that whoever asked (the collector) stays responsive. Input: JSON
// `{ "points": [PointSpec, …] }` from the file or stdin. Output: NDJSON on stdout, one
// line per event: `{"type":"start","index":i}`, `{"type":"point","index":i,"wallMs":…,
// "observation":{…}}`, and `{"type":"done"}`; a bad input exits 2 with the reason on stderr.
import { readFileSync } from "node:fs";
import { checkPoints } from "./pointInput.js";
import { simulatePoint, type PointSpec } from "./simulatePoint.js";

async function main(): Promise<void> {
  const path = process.argv[2];
  let input: unknown;
  try {
    input = JSON.parse(path === undefined || path === "-" ? readFileSync(0, "utf8") : readFileSync(path, "utf8"));
  } catch (error) {
    process.stderr.write(`driftscope-simulate: cannot read the points: ${(error as Error).message}\n`);
    process.exit(2);
  }
  const problem = checkPoints(input);
  if (problem !== undefined) {
    process.stderr.write(`driftscope-simulate: ${problem}\n`);
    process.exit(2);
  }
  const points = (input as { points: PointSpec[] }).points;
  // Each line is handed to the OS before the next point starts: a write to a pipe is
  // asynchronous, and a loop that never yields would deliver every line at the very end
  // (the collector's progress and ETA would stand still until then).
  const out = (line: object) => new Promise<void>((resolve, reject) => process.stdout.write(`${JSON.stringify(line)}\n`, (error) => (error ? reject(error) : resolve())));
  for (const [index, spec] of points.entries()) {
    await out({ type: "start", index });
    const started = performance.now();
    const observation = simulatePoint(spec);
    await out({ type: "point", index, wallMs: Math.round(performance.now() - started), observation });
  }
  await out({ type: "done" });
}

await main();
