import { describe, expect, it } from "vitest";
import { bearerToken, bindRefusal, hostAllowed, hostAllowList, isLoopbackHost, originAllowed, tokenMatches } from "./auth.js";

describe("auth", () => {
  it("a token matches only itself; no token configured means open", () => {
    expect(tokenMatches("secret-token", "secret-token")).toBe(true);
    expect(tokenMatches("secret-token", "secret-tokeN")).toBe(false);
    expect(tokenMatches("secret-token", "")).toBe(false);
    expect(tokenMatches("secret-token", undefined)).toBe(false);
    expect(tokenMatches("secret-token", { toString: () => "secret-token" })).toBe(false);
    expect(tokenMatches(undefined, undefined)).toBe(true);
  });

  it("reads Bearer tokens", () => {
    expect(bearerToken("Bearer abc.def")).toBe("abc.def");
    expect(bearerToken("bearer   xyz ")).toBe("xyz");
    expect(bearerToken("Basic abc")).toBeUndefined();
    expect(bearerToken(undefined)).toBeUndefined();
  });

  it("knows loopback addresses", () => {
    for (const h of ["127.0.0.1", "127.1.2.3", "localhost", "::1", "[::1]", "::ffff:127.0.0.1"]) expect(isLoopbackHost(h), h).toBe(true);
    for (const h of ["0.0.0.0", "::", "192.168.1.4", "10.0.0.1", "example.com"]) expect(isLoopbackHost(h), h).toBe(false);
  });

  it("refuses a non-loopback bind without both tokens, naming what is missing", () => {
    expect(bindRefusal("127.0.0.1", undefined, undefined)).toBeUndefined();
    expect(bindRefusal("0.0.0.0", "agent-token", "operator-token")).toBeUndefined();
    expect(bindRefusal("0.0.0.0", undefined, undefined)).toMatch(/refusing to listen on 0\.0\.0\.0.*agent token.*operator token/);
    expect(bindRefusal("0.0.0.0", "agent-token", undefined)).toMatch(/operator token/);
  });

  it("lets non-browser clients, same-origin pages and pages on this machine in; refuses other sites", () => {
    expect(originAllowed(undefined, "127.0.0.1:7420")).toBe(true);
    expect(originAllowed("http://127.0.0.1:7420", "127.0.0.1:7420")).toBe(true);
    expect(originAllowed("http://localhost:5173", "127.0.0.1:7420")).toBe(true);
    expect(originAllowed("https://collector.example:7420", "collector.example:7420")).toBe(true);
    expect(originAllowed("https://evil.example", "127.0.0.1:7420")).toBe(false);
    expect(originAllowed("null", "127.0.0.1:7420")).toBe(false);
  });

  it("accepts only Host names of this collector: loopback names, the bound address, --allowed-hosts (DNS rebinding)", () => {
    const loopback = hostAllowList("127.0.0.1");
    for (const h of ["127.0.0.1:7420", "localhost:7420", "LOCALHOST", "localhost.:7420", "[::1]:7420", "127.0.0.2", "app.localhost:7420"]) expect(hostAllowed(h, loopback), h).toBe(true);
    for (const h of ["rebind.attacker.example:7451", "attacker.example", "192.168.1.4:7420", "localhost.attacker.example", "", undefined, "127.0.0.1.nip.io"]) expect(hostAllowed(h, loopback), String(h)).toBe(false);
    const proxied = hostAllowList("127.0.0.1", ["collector.example.org"]);
    expect(hostAllowed("collector.example.org", proxied)).toBe(true);
    expect(hostAllowed("Collector.Example.org.:443", proxied)).toBe(true);
    expect(hostAllowed("evil.collector.example.org", proxied)).toBe(false);
    const lan = hostAllowList("192.168.1.4");
    expect(hostAllowed("192.168.1.4:7420", lan)).toBe(true);
    expect(hostAllowed("10.0.0.9:7420", lan)).toBe(false);
    // Bound everywhere: any address of this machine may be used; names still need listing.
    const any = hostAllowList("0.0.0.0");
    expect(hostAllowed("10.0.0.9:7420", any)).toBe(true);
    expect(hostAllowed("my-laptop.lan:7420", any)).toBe(false);
  });
});
