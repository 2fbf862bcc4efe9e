// JSON Schema (draft-07, as ajv validates by default) of one record's properties, from its definition.
import type { CollectionDefinition, PropertyDefinition } from '../../server/types.js';

export type JsonSchema = Record<string, unknown>;

const DATE_PATTERN = '^\\d{4}-\\d{2}-\\d{2}$';

/**
 * How ingest reads Hub'Eau records: every field but the key may be null (Hub'Eau publishes nulls in
 * names, labels, coordinates, département, milieu…) and a code outside its list is kept (flagged by
 * the caller), so only what cannot be stored is refused: a missing or empty key, a wrong type.
 */
export interface IngestSchemaOptions {
  keys: string[];
}

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

/** Schema of a record of the collection: every property present, none other (see IngestSchemaOptions for `ingest`). */
export function recordSchema(def: CollectionDefinition, ingest?: IngestSchemaOptions): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  for (const p of def.properties) {
    if (!ingest) { properties[p.name] = propertySchema(p); continue; }
    const key = ingest.keys.includes(p.name);
    const s = propertySchema({ ...p, enum: undefined, nullable: !key });
    // A key is stored and looked up by: present, not blank.
    properties[p.name] = key && p.type === 'string' ? { ...s, minLength: 1, pattern: '\\S' } : s;
  }
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
