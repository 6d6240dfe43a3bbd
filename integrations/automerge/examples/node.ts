// A runnable Automerge node observed by Driftscope: 4 replicas changing one list and syncing
// with Automerge's sync protocol over an in-process network, reporting to the collector at
// the URL given.
//   npx tsx --conditions=@driftscope/source examples/node.ts http://127.0.0.1:7420
// (or `pnpm example <url>` in integrations/automerge). Ctrl-C stops it.
import { AutomergeCluster } from "./automergeCluster.js";

const collectorUrl = process.argv[2] ?? process.env.DRIFTSCOPE_COLLECTOR ?? "http://127.0.0.1:7420";
const replicas = 4;
const cluster = new AutomergeCluster({ collectorUrl, replicas, agent: { token: process.env.DRIFTSCOPE_TOKEN, unref: false } });
console.log(`[automerge example] ${replicas} Automerge replicas reporting to ${collectorUrl} (Ctrl-C to stop)`);

let stopping = false;
const stop = () => {
  if (stopping) process.exit(1);
  stopping = true;
  void cluster.close().then(() => process.exit(0));
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
