// A property definition in each vocabulary the engine speaks, in one place: JSON Schema
// (schema, queryables), OpenAPI (query parameters) and FlatGeobuf columns (data build, exports).
import { ColumnType, type ColumnSpec } from '../providers/flatgeobuf/writer.js';
import type { PropertyDefinition } from '../types.js';

/** JSON Schema 2020-12 of a property (/schema, /queryables). */
export function propertyJsonSchema(p: PropertyDefinition): Record<string, unknown> {
  const base: Record<string, unknown> = { title: p.title };
  if (p.description) base.description = p.description;
  switch (p.type) {
    case 'integer': Object.assign(base, { type: 'integer' }); break;
    case 'number': Object.assign(base, { type: 'number' }); break;
    case 'boolean': Object.assign(base, { type: 'boolean' }); break;
    case 'date': Object.assign(base, { type: 'string', format: 'date' }); break;
    case 'array': Object.assign(base, { type: 'array', items: { type: p.items ?? 'string' } }); break;
    default:
      Object.assign(base, { type: 'string' });
      if (p.format) base.format = p.format;
  }
  if (p.enum) base.enum = Object.keys(p.enum);
  return base;
}

/** OpenAPI 3.0 schema of the items query parameter `?name=value[,value]` (the value as written). */
export function propertyParameterSchema(p: PropertyDefinition): Record<string, unknown> {
  switch (p.type) {
    case 'integer': return { type: 'integer' };
    case 'number': return { type: 'number' };
    case 'boolean': return { type: 'boolean' };
    default: return p.enum ? { type: 'string', enum: Object.keys(p.enum) } : { type: 'string' };
  }
}

/** FlatGeobuf column type; dates stay text as written (AAAA-MM-JJ, placeholders included), arrays JSON. */
export const COLUMN_TYPES: Record<PropertyDefinition['type'], ColumnType> = {
  string: ColumnType.String,
  integer: ColumnType.Int,
  number: ColumnType.Double,
  boolean: ColumnType.Bool,
  date: ColumnType.String,
  array: ColumnType.Json,
};

/** FlatGeobuf columns of properties: the data build and the FlatGeobuf export use the same. */
export function columnSpecs(properties: PropertyDefinition[]): ColumnSpec[] {
  return properties.map((p) => ({ name: p.name, type: COLUMN_TYPES[p.type], title: p.title, description: p.description, nullable: p.nullable ?? true }));
}
