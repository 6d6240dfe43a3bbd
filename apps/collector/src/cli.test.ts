import { describe, expect, it } from "vitest";
import { buildProgram } from "./cli.js";

function run(args: string[]): { out: string; err: string; code: number | undefined } {
  const program = buildProgram();
  let out = "";
  let err = "";
  let code: number | undefined;
  program.exitOverride();
  for (const cmd of [program, ...program.commands]) {
    cmd.exitOverride();
    cmd.configureOutput({ writeOut: (s) => (out += s), writeErr: (s) => (err += s) });
  }
  try {
    program.parse(["node", "driftscope", ...args]);
  } catch (error) {
    code = (error as { exitCode?: number }).exitCode;
  }
  return { out, err, code };
}

describe("driftscope CLI", () => {
  it("serve --help lists the flags and the environment variables", () => {
    const { out, code } = run(["serve", "--help"]);
    expect(code).toBe(0);
    for (const flag of ["--port", "--host", "--db", "--token", "--operator-token", "--traced-budget"]) expect(out).toContain(flag);
    expect(out).toContain("DRIFTSCOPE_PORT");
    expect(out).toContain("DRIFTSCOPE_HOST");
  });

  it("refuses a bad port before starting anything", () => {
    const { err, code } = run(["serve", "--port", "70000"]);
    expect(code).toBe(1);
    expect(err).toMatch(/--port must be between 0 and 65535/);
  });

  it("refuses a negative traced-dot budget before starting anything", () => {
    const { err, code } = run(["serve", "--traced-budget", "-5"]);
    expect(code).toBe(1);
    expect(err).toMatch(/--traced-budget must be between 0 and/);
  });

  it("unknown commands are reported", () => {
    const { err, code } = run(["serv"]);
    expect(code).toBe(1);
    expect(err).toMatch(/unknown command 'serv'/);
  });
});
