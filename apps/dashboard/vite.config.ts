// Vite builds the single-page dashboard into dist/, which the collector serves at `/`.
// `base: "/"`: asset URLs are absolute, so deep links such as /runs/run-3 (answered with
// index.html by the collector) load the same assets.
import react from "@vitejs/plugin-react";
import { defaultClientConditions, defineConfig } from "vite";

const collector = process.env.DRIFTSCOPE_COLLECTOR_URL ?? "http://127.0.0.1:7420";

export default defineConfig({
  base: "/",
  plugins: [react()],
  resolve: {
    // Workspace packages (only @driftscope/protocol here) resolve to their TypeScript sources.
    conditions: ["@driftscope/source", ...defaultClientConditions],
  },
  server: {
    host: "127.0.0.1",
    proxy: {
      "/api": { target: collector, changeOrigin: true },
      "/socket.io": { target: collector, ws: true, changeOrigin: true },
    },
  },
  build: {
    outDir: "dist",
    sourcemap: true,
    chunkSizeWarningLimit: 1024,
  },
});
