// Serves the built dashboard at / with an SPA fallback to index.html. When it is not
// built, / answers a page that says so and how to build it (never a fake dashboard).
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import express, { type RequestHandler, type Router } from "express";

/** apps/dashboard/dist, found relative to this file (src/api or dist/api of the collector). */
export function defaultDashboardDir(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "dashboard", "dist");
}

/** Paths that belong to the server, never to the SPA. */
function isServerPath(path: string): boolean {
  return path.startsWith("/api/") || path === "/api" || path === "/metrics" || path.startsWith("/socket.io");
}

export function notBuiltPage(dir: string): string {
  const esc = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Driftscope — dashboard not built</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:44rem;margin:4rem auto;padding:0 1rem;color:#222}code{background:#f2f2f2;padding:.1rem .3rem;border-radius:3px}</style></head>
<body><h1>The Driftscope dashboard is not built</h1>
<p>The collector is running, but it found no built dashboard in <code>${esc(dir)}</code>.</p>
<p>Build it from the repository root with <code>npm run build</code> (or only the dashboard: <code>node_modules/.bin/pnpm --filter @driftscope/dashboard build</code>), then reload this page. To serve a dashboard from elsewhere, set <code>DRIFTSCOPE_DASHBOARD_DIR</code>.</p>
<p>The API is up meanwhile: <a href="/api/v1/health">/api/v1/health</a>, <a href="/api/v1/cluster">/api/v1/cluster</a>, <a href="/metrics">/metrics</a>.</p>
</body></html>
`;
}

export function dashboardRouter(dashboardDir: string): Router {
  // express.static and res.sendFile need an absolute path (a relative --dashboard-dir is common).
  const dir = resolve(dashboardDir);
  const router = express.Router();
  router.use(express.static(dir, { index: false, fallthrough: true }));
  const fallback: RequestHandler = (req, res, next) => {
    if ((req.method !== "GET" && req.method !== "HEAD") || isServerPath(req.path)) {
      next();
      return;
    }
    // Checked per request: building the dashboard needs no collector restart.
    const index = join(dir, "index.html");
    if (!existsSync(index)) {
      res.status(503).type("html").send(notBuiltPage(dir));
      return;
    }
    // With `root`, send's dotfile rule looks only below it: a dashboard under ~/.local works.
    res.sendFile("index.html", { root: dir });
  };
  router.use(fallback);
  return router;
}
