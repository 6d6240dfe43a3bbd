import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ClusterConfigSchema, ConfigChangeAnswerSchema, ConfigPatchSchema, ErrorMessageSchema, ExperimentPlanSchema } from "./index.js";
import { jsonSchemasOf } from "./jsonSchema.js";

const ref = (name: string) => `#/components/schemas/${name}`;

describe("jsonSchemasOf", () => {
  it("converts each named schema once and refers to named ones it contains", () => {
    const schemas = jsonSchemasOf({ inputs: { ConfigPatch: ConfigPatchSchema }, outputs: { ClusterConfig: ClusterConfigSchema, ConfigChangeAnswer: ConfigChangeAnswerSchema, ErrorMessage: ErrorMessageSchema } }, ref);
    expect(Object.keys(schemas).sort()).toEqual(["ClusterConfig", "ConfigChangeAnswer", "ConfigPatch", "ErrorMessage"]);
    expect(schemas.ConfigChangeAnswer).toMatchObject({ type: "object", properties: { config: { $ref: ref("ClusterConfig") } }, required: ["config", "changed"], additionalProperties: false });
    expect(schemas.ErrorMessage).toMatchObject({ properties: { code: { enum: expect.arrayContaining(["VALIDATION", "UNAUTHORIZED"]) } } });
    // Addressed by `ref` inside a document: no dialect or id of their own.
    for (const schema of Object.values(schemas)) {
      expect(schema).not.toHaveProperty("$schema");
      expect(schema).not.toHaveProperty("$id");
    }
  });

  it("describes request bodies as accepted (defaults optional) and answers as sent (defaults present)", () => {
    const schemas = jsonSchemasOf({ inputs: { PlanIn: ExperimentPlanSchema }, outputs: { PlanOut: ExperimentPlanSchema } }, ref);
    expect(schemas.PlanIn!.required).not.toContain("repetitions");
    expect(schemas.PlanOut!.required).toContain("repetitions");
  });

  it("refuses a name given to two schemas", () => {
    expect(() => jsonSchemasOf({ inputs: { Same: z.string() }, outputs: { Same: z.number() } }, ref)).toThrow(/Same/);
  });
});
