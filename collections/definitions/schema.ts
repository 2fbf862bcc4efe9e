// JSON Schema (draft-07, as ajv validates by default) of one record's properties, from its definition.
import type { CollectionDefinition, PropertyDefinition } from '../../server/types.js';

export type JsonSchema = Record<string, unknown>;

const DATE_PATTERN = '^\\d{4}-\\d{2}-\\d{2}$';

/** Schema of one property's value; null is allowed when the property is nullable. */
export function propertySchema(p: PropertyDefinition): JsonSchema {
  let s: JsonSchema;
  switch (p.type) {
    case 'string':
      s = { type: 'string' };
      if (p.format === 'uri') s.format = 'uri';
      if (p.format === 'date') Object.assign(s, { format: 'date', pattern: DATE_PATTERN });
      break;
    case 'date':
      s = { type: 'string', format: 'date', pattern: DATE_PATTERN };
      break;
    case 'integer':
      s = { type: 'integer' };
      break;
    case 'number':
      s = { type: 'number' };
      break;
    case 'boolean':
      s = { type: 'boolean' };
      break;
    case 'array':
      s = { type: 'array', items: { type: p.items ?? 'string' } };
      break;
  }
  if (p.enum) s.enum = Object.keys(p.enum);
  s.title = p.title;
  if (p.description) s.description = p.description;
  if (!p.nullable) return s;
  // Nullable: widen the type and let null through the enum.
  const widened: JsonSchema = { ...s, type: [s.type as string, 'null'] };
  if (p.enum) widened.enum = [...Object.keys(p.enum), null];
  return widened;
}

/** Schema of a record of the collection: every property present, none other. */
export function recordSchema(def: CollectionDefinition): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  for (const p of def.properties) properties[p.name] = propertySchema(p);
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: `urn:prelevements:${def.id}:record`,
    title: def.title,
    type: 'object',
    properties,
    required: def.properties.map((p) => p.name),
    additionalProperties: false,
  };
}
