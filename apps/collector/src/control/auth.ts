// Token checks. Tokens are compared through SHA-256 digests with timingSafeEqual, so
// neither their content nor their length leaks through timing.
import { createHash, timingSafeEqual } from "node:crypto";
import { isIP } from "node:net";

const digest = (text: string) => createHash("sha256").update(text, "utf8").digest();

/** True when no token is required (`expected` unset) or `given` equals it. */
export function tokenMatches(expected: string | undefined, given: unknown): boolean {
  if (expected === undefined) return true;
  if (typeof given !== "string" || given.length === 0) return false;
  return timingSafeEqual(digest(expected), digest(given));
}

/**
 * Why a request is refused for its token, or undefined when it may proceed: no token
 * where one is required is UNAUTHORIZED; a token that is not this one is `wrong`
 * (FORBIDDEN for control changes — the agent token does not allow them —, UNAUTHORIZED
 * for ingest).
 */
export function tokenRefusal(expected: string | undefined, given: unknown, wrong: "UNAUTHORIZED" | "FORBIDDEN"): "UNAUTHORIZED" | "FORBIDDEN" | undefined {
  if (expected === undefined) return undefined;
  if (typeof given !== "string" || given.length === 0) return "UNAUTHORIZED";
  return tokenMatches(expected, given) ? undefined : wrong;
}

/** The token of an `Authorization: Bearer <token>` header, if any. */
export function bearerToken(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

/** Whether `host` only accepts connections from this machine. */
export function isLoopbackHost(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[|\]$/g, "");
  if (h === "localhost" || h === "::1") return true;
  if (isIP(h) === 4) return h.startsWith("127.");
  if (h.startsWith("::ffff:")) return h.slice(7).startsWith("127.");
  return false;
}

/**
 * Refuses to expose the collector beyond this machine without both tokens: agents
 * could inject telemetry and anyone could reconfigure the cluster. Returns the reason,
 * or undefined when the binding is acceptable.
 */
export function bindRefusal(host: string, agentToken: string | undefined, operatorToken: string | undefined): string | undefined {
  if (isLoopbackHost(host)) return undefined;
  const missing = [agentToken === undefined ? "an agent token (--token or DRIFTSCOPE_TOKEN)" : undefined, operatorToken === undefined ? "an operator token (--operator-token or DRIFTSCOPE_OPERATOR_TOKEN)" : undefined].filter(
    (m): m is string => m !== undefined,
  );
  if (missing.length === 0) return undefined;
  return `refusing to listen on ${host}: it is reachable from other machines, and without ${missing.join(" and ")} anyone there could inject telemetry or change the cluster config. Set the token(s), or bind to 127.0.0.1.`;
}

/** The names a request's Host header may give (DNS-rebinding defence). */
export interface HostAllowList {
  /** Lower-case host names without port or trailing dot, e.g. "localhost", "collector.example.org". */
  names: ReadonlySet<string>;
  /** The bound address (IP literal or name), lower-case, without brackets. */
  bound: string;
}

/**
 * The Host names accepted by a collector bound to `bindHost`: loopback names and
 * addresses, the bound address itself, and `extra` (`--allowed-hosts`, e.g. the name a
 * reverse proxy forwards). Any other name may be an attacker's domain re-pointed at us.
 */
export function hostAllowList(bindHost: string, extra: readonly string[] = []): HostAllowList {
  const names = new Set(["localhost"]);
  for (const name of extra) {
    const n = normaliseHostName(name);
    if (n !== "") names.add(n);
  }
  return { names, bound: normaliseHostName(bindHost) };
}

/** Whether a Host header names this collector (see {@link hostAllowList}). A missing Host is refused. */
export function hostAllowed(hostHeader: string | undefined, allow: HostAllowList): boolean {
  if (hostHeader === undefined || hostHeader === "" || hostHeader.length > 300) return false;
  const name = normaliseHostName(hostNameOf(hostHeader));
  if (name === "") return false;
  if (allow.names.has(name) || name.endsWith(".localhost") || name === allow.bound) return true;
  if (isIP(name) === 0) return false;
  // An address cannot be re-pointed by DNS: a page whose origin is our own address is ours.
  if (isLoopbackHost(name)) return true;
  return allow.bound === "0.0.0.0" || allow.bound === "::";
}

function hostNameOf(hostHeader: string): string {
  const h = hostHeader.trim();
  if (h.startsWith("[")) return h.slice(0, h.indexOf("]") + 1);
  const colon = h.indexOf(":");
  // More than one colon without brackets: a bare IPv6 address (no port).
  return colon >= 0 && h.indexOf(":", colon + 1) < 0 ? h.slice(0, colon) : h;
}

function normaliseHostName(host: string): string {
  return host.trim().toLowerCase().replace(/^\[|\]$/g, "").replace(/\.$/, "");
}

/**
 * Whether a browser request from `origin` may talk to us. Non-browser clients send no
 * Origin; the served dashboard is same-origin; pages on this machine (a dashboard dev
 * server) are allowed. A page from anywhere else is refused, so a website cannot drive a
 * tokenless loopback collector through the visitor's browser. Only meaningful once the
 * Host header passed {@link hostAllowed}: a rebound name makes any page "same-origin".
 */
export function originAllowed(origin: string | undefined, host: string | undefined): boolean {
  if (origin === undefined || origin === "") return true;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  if (host !== undefined && url.host.toLowerCase() === host.toLowerCase()) return true;
  return isLoopbackHost(url.hostname);
}
