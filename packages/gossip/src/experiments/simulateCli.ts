// `driftscope-simulate [points.json]`: simulates experiment points in virtual time, in a
// process of its own so that whoever asked (the collector) stays responsive. Input: JSON
// `{ "points": [PointSpec, …] }` from the file or stdin. Output: NDJSON on stdout, one
// line per event: `{"type":"start","index":i}`, `{"type":"point","index":i,"wallMs":…,
// "observation":{…}}`, and `{"type":"done"}`; a bad input exits 2 with the reason on stderr.
import { readFileSync } from "node:fs";
import { checkPoints } from "./pointInput.js";
import { simulatePoint, type PointSpec } from "./simulatePoint.js";

function main(): void {
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
  const out = (line: object) => process.stdout.write(`${JSON.stringify(line)}\n`);
  points.forEach((spec, index) => {
    out({ type: "start", index });
    const started = performance.now();
    const observation = simulatePoint(spec);
    out({ type: "point", index, wallMs: Math.round(performance.now() - started), observation });
  });
  out({ type: "done" });
}

main();
