// A runnable Yjs node observed by Driftscope: 4 replicas editing one text and syncing with
// y-protocols over a lossy in-process network, reporting to the collector at the URL given.
//   npx tsx --conditions=@driftscope/source examples/node.ts http://127.0.0.1:7420
// (or `pnpm example <url>` in integrations/yjs). Ctrl-C stops it.
import { YjsCluster } from "./yjsCluster.js";

const collectorUrl = process.argv[2] ?? process.env.DRIFTSCOPE_COLLECTOR ?? "http://127.0.0.1:7420";
const replicas = 4;
const cluster = new YjsCluster({ collectorUrl, replicas, agent: { token: process.env.DRIFTSCOPE_TOKEN, unref: false } });
console.log(`[yjs example] ${replicas} Yjs replicas reporting to ${collectorUrl} (Ctrl-C to stop)`);

let stopping = false;
const stop = () => {
  if (stopping) process.exit(1);
  stopping = true;
  void cluster.close().then(() => process.exit(0));
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
