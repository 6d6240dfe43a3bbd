// Where the collector is: the page's own origin (the collector serves the dashboard), or
// `?collector=http://127.0.0.1:7420` for a dashboard served from elsewhere during development.

/** Base URL of the collector, without a trailing slash ("" = same origin). */
export function collectorBase(search: string = globalThis.location?.search ?? ""): string {
  const param = new URLSearchParams(search).get("collector");
  if (!param) return "";
  try {
    const url = new URL(param);
    if (url.protocol !== "http:" && url.protocol !== "https:") return "";
    return url.origin;
  } catch {
    return "";
  }
}
