// driftscope/import-arrows: the allowed imports of DESIGN.md §1, checked on every import.
// A file's part is where it sits (apps/<x>, packages/<x>, integrations/<x>, e2e, bench);
// what it may import is the table below, reached only through entries a package's
// package.json `exports` declares. Files outside the parts (scripts, tooling) are free.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const SCOPE = "@driftscope/";

/**
 * DESIGN.md §1 "Allowed imports": per part, the entries it may import. `"gossip"` allows
 * every entry gossip's package.json exports; `"gossip/theory"` that one entry; `"*"` every
 * part's entries. `why` is said in the message when the arrow is broken.
 * @type {Record<string, { may: string[], why?: string }>}
 */
export const ARROWS = {
  "apps/dashboard": { may: ["protocol"] },
  "apps/collector": { may: ["protocol", "gossip/theory"], why: "gossip/theory is the pure formulas; the runtime stays out" },
  "apps/agent": { may: ["protocol", "gossip", "crdt"] },
  "packages/gossip": { may: ["crdt"] },
  "packages/protocol": { may: [], why: "zod only" },
  "packages/crdt": { may: [], why: "pure, no other part" },
  "integrations/*": { may: ["agent"], why: "the agent's public face and the adapted library" },
  bench: { may: ["*"], why: "it measures every part through its public face" },
  e2e: { may: ["protocol"], why: "it talks to the stack only over HTTP, socket.io and the browser" },
};

const GROUPS = ["apps", "packages", "integrations"];

/** @typedef {{ type: string, value?: unknown, literal?: SourceNode }} SourceNode where an import names its module */

/**
 * The part a path lies in (`apps/agent`, `e2e`, …), or null outside every linted part.
 * @param {string} path absolute
 * @returns {string | null}
 */
export function partOf(path) {
  const rel = relative(ROOT, path);
  if (rel.startsWith("..") || isAbsolute(rel)) return null;
  const [top, name, ...rest] = rel.split(sep);
  if (top === "e2e" || top === "bench") return name === undefined ? null : top;
  if (GROUPS.includes(top ?? "") && name !== undefined && rest.length > 0) return `${top}/${name}`;
  return null;
}

/** @type {Map<string, { part: string, short: string, entries: string[] }> | undefined} */
let workspaces;

/** Every workspace by package name, with the entries its `exports` declares ("." for the main one). */
function workspaceByName() {
  if (workspaces) return workspaces;
  workspaces = new Map();
  const dirs = ["e2e", "bench"];
  for (const group of GROUPS) {
    if (existsSync(join(ROOT, group))) for (const name of readdirSync(join(ROOT, group))) dirs.push(`${group}/${name}`);
  }
  for (const part of dirs) {
    const file = join(ROOT, part, "package.json");
    if (!existsSync(file)) continue;
    const pkg = JSON.parse(readFileSync(file, "utf8"));
    const keys = pkg.exports && typeof pkg.exports === "object" ? Object.keys(pkg.exports) : [];
    const entries = keys.length > 0 && keys.every((k) => k.startsWith(".")) ? keys : ["."];
    workspaces.set(pkg.name, { part, short: part.split("/").pop() ?? part, entries });
  }
  return workspaces;
}

/** @param {string} part */
const arrowsOf = (part) => ARROWS[part] ?? ARROWS[`${part.split("/")[0]}/*`];
/** `gossip` for the entry ".", `gossip/theory` for "./theory". @param {string} short @param {string} entry */
const entryName = (short, entry) => (entry === "." ? short : `${short}/${entry.slice(2)}`);
/** @param {string[]} may @param {string} short @param {string} entry */
const mayImport = (may, short, entry) => may.includes("*") || may.includes(short) || may.includes(entryName(short, entry));
/** @param {string} part */
const isApp = (part) => part.startsWith("apps/");

/** @type {import("eslint").Rule.RuleModule} */
export const importArrows = {
  meta: {
    type: "problem",
    docs: { description: "Imports follow the arrows of DESIGN.md §1 and go through a package's declared entries." },
    schema: [],
    messages: {
      arrow: "{{from}} may not import {{target}}: DESIGN §1 allows {{from}} → {{allowed}}.",
      app: "{{from}} may not import {{target}}: apps never import other apps (DESIGN §1 allows {{from}} → {{allowed}}).",
      deep: "{{target}} reaches past {{short}}'s public face: no deep imports across packages; its entries are {{entries}}.",
      relative: "'{{source}}' reaches from {{from}} into {{into}}: import another part by its package name, where DESIGN §1 allows it ({{from}} → {{allowed}}).",
      unknownPackage: "{{target}} is no workspace of this repository.",
      unknownPart: "{{from}} has no arrows in DESIGN §1: add them to tooling/eslint/importArrows.js before it imports {{target}}.",
    },
  },
  create(context) {
    const from = partOf(context.filename);
    if (from === null) return {};
    const arrows = arrowsOf(from);
    const allowed = arrows ? allowedText(arrows) : "";

    /**
     * @param {import("eslint").Rule.Node} node the whole import, so a disable comment on its first line covers it
     * @param {string} source
     */
    const check = (node, source) => {
      /** @param {string} messageId @param {Record<string, string>} [data] */
      const report = (messageId, data) => context.report({ node, messageId, data: { from, allowed, source, ...data } });
      if (source.startsWith(".") || isAbsolute(source)) {
        const into = partOf(resolve(dirname(context.filename), source));
        if (into !== null && into !== from) report("relative", { into });
        return;
      }
      if (!source.startsWith(SCOPE)) return;
      const [name, ...sub] = source.slice(SCOPE.length).split("/");
      const target = workspaceByName().get(SCOPE + name);
      if (!target) return report("unknownPackage", { target: source });
      if (target.part === from) return;
      const entry = sub.length === 0 ? "." : `./${sub.join("/")}`;
      if (!target.entries.includes(entry)) {
        const entries = target.entries.map((e) => SCOPE + entryName(target.short, e)).join(", ");
        return report("deep", { target: source, short: target.short, entries });
      }
      if (!arrows) return report("unknownPart", { target: source });
      if (mayImport(arrows.may, target.short, entry)) return;
      report(isApp(from) && isApp(target.part) ? "app" : "arrow", { target: source });
    };
    /** @param {SourceNode | null | undefined} node */
    const literal = (node) => (node?.type === "Literal" && typeof node.value === "string" ? node.value : undefined);
    /** @param {any} node an import-like node of ESTree or typescript-eslint @param {SourceNode | null | undefined} sourceNode */
    const checkSource = (node, sourceNode) => {
      const source = literal(sourceNode);
      if (source !== undefined) check(node, source);
    };

    return {
      ImportDeclaration: (node) => checkSource(node, node.source),
      ExportNamedDeclaration: (node) => checkSource(node, node.source),
      ExportAllDeclaration: (node) => checkSource(node, node.source),
      ImportExpression: (node) => checkSource(node, node.source),
      CallExpression: (node) => {
        if (node.callee.type === "Identifier" && node.callee.name === "require") checkSource(node, node.arguments[0]);
      },
      // typescript-eslint nodes: `import("x").T` in types and `import x = require("x")`.
      TSImportType: (/** @type {any} */ node) => checkSource(node, node.argument?.literal ?? node.argument),
      TSExternalModuleReference: (/** @type {any} */ node) => checkSource(node, node.expression),
    };
  },
};

/**
 * "protocol, gossip/theory (why)" or "nothing (why)": what the arrow allows, for messages.
 * @param {{ may: string[], why?: string }} arrows
 */
function allowedText({ may, why }) {
  const what = may.length === 0 ? "nothing" : may.includes("*") ? "every part's public face" : may.join(", ");
  return why ? `${what} (${why})` : what;
}
