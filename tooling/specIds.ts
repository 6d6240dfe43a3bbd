// Rule ids: a package's SPEC.md defines them in bold (`**G-W1**`), its tests cite them at the
// start of their names (`it("G-W1: …")`). The prefix says whose rule it is, so ids of two
// packages cannot collide.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** A call of it/test/describe, possibly chained (`it.only`, `it.each(cases)`), up to its first `(`. */
const CALL = /\b(?:it|test|describe)((?:\.\w+)*)\(/g;
/** A string literal at the start of the text (template literals included, `${…}` kept as text). */
const STRING = /^\s*(["'`])((?:\\.|(?!\1)[\s\S])*?)\1/;
const PREFIXED = /(?<![\w-])[A-Z]{1,2}-[A-Z]{1,4}\d+\b/g;
/** An id without a prefix where ids are cited: before a colon, slash, comma or closing parenthesis. */
const BARE = /(?<![\w-])[A-Z]{1,4}\d+(?=\s*[:/,)])/g;
const DEFINED = /\*\*([A-Z]{1,2}-[A-Z]{1,4}\d+)\*\*/g;

/** Ids cited by the test titles in `source`, and bare ids (no package prefix) found there. */
export function citedIn(source: string): { ids: string[]; bare: string[] } {
  const ids: string[] = [];
  const bare: string[] = [];
  for (const title of titles(source)) {
    ids.push(...(title.match(PREFIXED) ?? []));
    bare.push(...(title.match(BARE) ?? []));
  }
  return { ids, bare };
}

/** The titles of the tests and suites in `source`. */
function titles(source: string): string[] {
  const out: string[] = [];
  for (const call of source.matchAll(CALL)) {
    let at = call.index + call[0].length;
    // `it.each(cases)("title", …)`: the title follows the table.
    if (/\.(each|for)\b/.test(call[1] ?? "")) {
      at = afterGroup(source, at);
      if (source[at] !== "(") continue;
      at++;
    }
    const title = STRING.exec(source.slice(at, at + 2000));
    if (title) out.push(title[2] ?? "");
  }
  return out;
}

/** Index just past the parenthesis closing the group whose `(` ends before `from`. */
function afterGroup(source: string, from: number): number {
  let depth = 1;
  let quote = "";
  for (let i = from; i < source.length; i++) {
    const ch = source[i]!;
    if (quote) {
      if (ch === "\\") i++;
      else if (ch === quote) quote = "";
    } else if (ch === '"' || ch === "'" || ch === "`") quote = ch;
    else if (ch === "(" || ch === "[" || ch === "{") depth++;
    else if ((ch === ")" || ch === "]" || ch === "}") && --depth === 0) return i + 1;
  }
  return source.length;
}

/** Ids a SPEC.md defines, in order (a duplicate appears twice). */
export function definedIn(spec: string): string[] {
  return [...spec.matchAll(DEFINED)].map((m) => m[1]!);
}

/** Every .ts/.tsx file under `dir`'s src/ and test/ (contract suites live outside *.test.ts too). */
export function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.tsx?$/.test(entry.name)) out.push(path);
    }
  };
  for (const sub of ["src", "test"]) if (existsSync(join(dir, sub))) walk(join(dir, sub));
  return out;
}

/** What is wrong with one package's ids, one line per problem (empty when all is well). */
export function specProblems(dir: string, prefix: string): string[] {
  const specPath = join(dir, "SPEC.md");
  const defined = existsSync(specPath) ? definedIn(readFileSync(specPath, "utf8")) : [];
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const id of defined) {
    if (!id.startsWith(`${prefix}-`)) problems.push(`SPEC.md defines ${id}, which lacks this package's prefix ${prefix}-`);
    if (seen.has(id)) problems.push(`SPEC.md defines ${id} twice`);
    seen.add(id);
  }
  const cited = new Set<string>();
  for (const file of sourceFiles(dir)) {
    const { ids, bare } = citedIn(readFileSync(file, "utf8"));
    const where = file.slice(dir.length + 1);
    for (const id of bare) problems.push(`${where} cites ${id} without a package prefix (${prefix}-${id}?)`);
    for (const id of ids) {
      cited.add(id);
      if (!seen.has(id)) problems.push(`${where} cites ${id}, which ${existsSync(specPath) ? "SPEC.md does not define" : "no SPEC.md defines"}`);
    }
  }
  for (const id of seen) if (!cited.has(id)) problems.push(`SPEC.md defines ${id}, which no test cites`);
  return problems;
}
