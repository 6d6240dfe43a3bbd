// The protocol's schemas as JSON Schema (draft 2020-12, the dialect of OpenAPI 3.1), through
// zod's own converter, so that a document describing an API (`GET /api/v1/openapi.json`)
// is generated from the very schemas that parse its inputs and build its answers.
import { z } from "zod";

/** A JSON Schema object as zod emits it. */
export type JsonSchema = Record<string, unknown>;

/** Named schemas to convert: request bodies as they are accepted, answers as they are sent. */
export interface NamedSchemas {
  inputs: Readonly<Record<string, z.ZodType>>;
  outputs: Readonly<Record<string, z.ZodType>>;
}

/**
 * Converts named schemas to JSON Schema, each once; where one contains another named one of
 * the same kind (input or output) it refers to it with `$ref: ref(name)`. Refinements that
 * JSON Schema cannot state (e.g. "a cut needs two different replicas") are left out.
 * @example jsonSchemasOf({ inputs: {}, outputs: { ErrorMessage: ErrorMessageSchema } }, (n) => `#/components/schemas/${n}`)
 */
export function jsonSchemasOf(named: NamedSchemas, ref: (name: string) => string): Record<string, JsonSchema> {
  const out: Record<string, JsonSchema> = {};
  for (const io of ["input", "output"] as const) {
    const schemas = io === "input" ? named.inputs : named.outputs;
    const registry = z.registry<{ id: string }>();
    for (const [name, schema] of Object.entries(schemas)) {
      if (name in out) throw new Error(`schema name ${name} is used twice`);
      registry.add(schema, { id: name });
    }
    const converted = z.toJSONSchema(registry, { io, uri: ref }).schemas;
    for (const [name, schema] of Object.entries(converted)) {
      // Inside a document each schema is addressed by `ref`: its own $schema and $id would
      // restate the dialect and break JSON Schema's rule that an $id has no fragment.
      const { $schema: _dialect, $id: _id, ...rest } = schema as JsonSchema;
      out[name] = rest;
    }
  }
  return out;
}
