// A "compatibility API": another service's paths and query parameters served from the same
// collections. The domain gives the mapping (paths, parameter names, envelope); this module turns a
// request's parameters into one CQL2 tree, compiled by the same engine as `filter`: there is no
// second implementation of filtering.
import type { Geometry } from 'geojson';
import { logical, type Node } from '../cql2/ast.js';
import type { CollectionDefinition, PropertyDefinition } from '../types.js';

/** How one query parameter becomes a CQL2 condition. Comma-separated values mean "any of". */
export type ParameterRule =
  /** property = value, or IN (values) */
  | { kind: 'equals'; property: string }
  /** property >= value / property <= value */
  | { kind: 'min' | 'max'; property: string }
  /** An array property holding any of the values (A_OVERLAPS). */
  | { kind: 'anyOf'; property: string }
  /** A date within [start, end]; an end that is null (or a placeholder) is open. */
  | { kind: 'activeOn'; start: string; end: string }
  /** Values expanded into values of another property (a région into its départements). */
  | { kind: 'expand'; property: string; expand: (value: string) => string[] | undefined };

export interface CompatEndpoint {
  /** Path under the API prefix, e.g. '/referentiel/ouvrages'; `${path}.csv` serves CSV. */
  path: string;
  collection: string;
  parameters: Record<string, ParameterRule>;
  /** Spatial parameters the endpoint accepts: `bbox`, and `distance` + `latitude` + `longitude`. */
  bbox: boolean;
  distance: boolean;
  /** Values of `format` (the first is the default). */
  formats: ('json' | 'geojson')[];
  /** `sort=asc|desc` orders by these properties (then file order). */
  sortKeys: string[];
  /** Record fields in output order (default: the collection's properties). */
  fields?: string[];
}

export interface PageLinks { first: string; last: string; prev: string | null; next: string | null }

export interface CompatPage { count: number; links: PageLinks; format: 'json' | 'geojson' }

export interface CompatApi {
  name: string;
  /** Path prefix, e.g. '/api/v1/prelevements'. */
  prefix: string;
  endpoints: CompatEndpoint[];
  paging: {
    defaultSize: number;
    maxSize: number;
    /** page × size may not exceed this (the service's wall)... */
    maxDepth: number;
    /** ...unless false. The `cursor` parameter never has the wall. */
    depthLimit: boolean;
  };
  /** Parameters outside the mapping: ignored (as many services do) or refused (400). */
  unknownParameters: 'ignore' | 'reject';
  /**
   * The JSON document around the records: members before the list, the list's name, members after.
   * Written in that order, so that clients reading it as a stream see the counts first.
   */
  envelope(page: CompatPage): { before: Record<string, unknown>; list: string; after?: Record<string, unknown> };
  /** The error body; it keeps OGC's `code` and `description` beside the service's own members. */
  errorBody(status: number, code: string, description: string, field?: { field: string; message: string }): Record<string, unknown>;
}

/** A 400 naming the parameter, for the service's error shape. */
export class CompatParameterError extends Error {
  constructor(readonly parameter: string, message: string) { super(message); }
}

function property(definition: CollectionDefinition, name: string): PropertyDefinition {
  const p = definition.properties.find((q) => q.name === name);
  if (!p) throw new Error(`compat mapping: ${definition.id} has no property ${name}`);
  return p;
}

function literal(p: PropertyDefinition, parameter: string, raw: string): Node {
  switch (p.type) {
    case 'integer': case 'number': {
      const n = Number(raw);
      if (raw.trim() === '' || !Number.isFinite(n) || (p.type === 'integer' && !Number.isInteger(n))) {
        throw new CompatParameterError(parameter, `« ${raw} » n'est pas un ${p.type === 'integer' ? 'entier' : 'nombre'}`);
      }
      return { type: 'literal', value: n };
    }
    case 'boolean':
      if (raw !== 'true' && raw !== 'false') throw new CompatParameterError(parameter, `« ${raw} » : true ou false attendu`);
      return { type: 'literal', value: raw === 'true' };
    case 'date':
      if (!/^\d{4}-\d{2}-\d{2}$/.test(raw) || Number.isNaN(Date.parse(`${raw}T00:00:00Z`))) {
        throw new CompatParameterError(parameter, `« ${raw} » : date AAAA-MM-JJ attendue`);
      }
      return { type: 'date', value: raw };
    default:
      return { type: 'literal', value: raw };
  }
}

function anyOf(name: string, values: Node[]): Node {
  const prop: Node = { type: 'property', name };
  return values.length === 1 ? { type: 'comparison', op: '=', left: prop, right: values[0] } : { type: 'in', value: prop, list: values };
}

const list = (raw: string) => raw.split(',').map((v) => v.trim()).filter((v) => v !== '');

/** One condition per mapped parameter present; undefined when none. */
export function parametersToCql2(endpoint: CompatEndpoint, definition: CollectionDefinition, params: Record<string, string>): Node | undefined {
  const conditions: Node[] = [];
  for (const [name, rule] of Object.entries(endpoint.parameters)) {
    const raw = params[name];
    if (raw === undefined || raw === '') continue;
    const values = list(raw);
    if (values.length === 0) continue;
    switch (rule.kind) {
      case 'equals': {
        const p = property(definition, rule.property);
        conditions.push(anyOf(p.name, values.map((v) => literal(p, name, v))));
        break;
      }
      case 'min': case 'max': {
        if (values.length > 1) throw new CompatParameterError(name, 'une seule valeur attendue');
        const p = property(definition, rule.property);
        conditions.push({ type: 'comparison', op: rule.kind === 'min' ? '>=' : '<=', left: { type: 'property', name: p.name }, right: literal(p, name, values[0]) });
        break;
      }
      case 'anyOf':
        property(definition, rule.property);
        conditions.push({ type: 'arrayPredicate', op: 'a_overlaps', left: { type: 'property', name: rule.property }, right: { type: 'array', items: values.map((v) => ({ type: 'literal', value: v })) } });
        break;
      case 'activeOn': {
        if (values.length > 1) throw new CompatParameterError(name, 'une seule date attendue');
        const start = property(definition, rule.start);
        const date = literal(start, name, values[0]);
        const bound = (p: string, op: '<=' | '>='): Node => logical('or', [
          { type: 'isNull', value: { type: 'property', name: p } },
          { type: 'comparison', op, left: { type: 'property', name: p }, right: date },
        ]);
        conditions.push(logical('and', [bound(rule.start, '<='), bound(rule.end, '>=')]));
        break;
      }
      case 'expand': {
        const p = property(definition, rule.property);
        const expanded = values.flatMap((v) => {
          const out = rule.expand(v);
          if (!out) throw new CompatParameterError(name, `« ${v} » inconnu`);
          return out;
        });
        conditions.push(anyOf(p.name, expanded.map((v) => literal(p, name, v))));
        break;
      }
    }
  }
  const spatial = spatialCondition(endpoint, params);
  if (spatial) conditions.push(spatial);
  if (conditions.length === 0) return undefined;
  return conditions.length === 1 ? conditions[0] : logical('and', conditions);
}

function numbers(name: string, raw: string): number[] {
  return list(raw).map((v) => {
    const n = Number(v);
    if (!Number.isFinite(n)) throw new CompatParameterError(name, `« ${v} » n'est pas un nombre`);
    return n;
  });
}

const EARTH_RADIUS_KM = 6371.0088;
/** Vertices of the polygon standing for a circle (circumscribed: no point within the distance is missed). */
const CIRCLE_VERTICES = 128;

/** A circle of `km` around (lon, lat) on the sphere, as a polygon whose edges touch the circle. */
export function circlePolygon(lon: number, lat: number, km: number): Geometry {
  const r = km / EARTH_RADIUS_KM / Math.cos(Math.PI / CIRCLE_VERTICES);
  const φ1 = (lat * Math.PI) / 180;
  const λ1 = (lon * Math.PI) / 180;
  const ring: [number, number][] = [];
  for (let i = 0; i < CIRCLE_VERTICES; i++) {
    const θ = (2 * Math.PI * i) / CIRCLE_VERTICES;
    const φ2 = Math.asin(Math.sin(φ1) * Math.cos(r) + Math.cos(φ1) * Math.sin(r) * Math.cos(θ));
    const λ2 = λ1 + Math.atan2(Math.sin(θ) * Math.sin(r) * Math.cos(φ1), Math.cos(r) - Math.sin(φ1) * Math.sin(φ2));
    ring.push([(λ2 * 180) / Math.PI, (φ2 * 180) / Math.PI]);
  }
  ring.push(ring[0]);
  return { type: 'Polygon', coordinates: [ring] };
}

function spatialCondition(endpoint: CompatEndpoint, params: Record<string, string>): Node | undefined {
  const out: Node[] = [];
  if (endpoint.bbox && params.bbox !== undefined && params.bbox !== '') {
    const b = numbers('bbox', params.bbox);
    if (b.length !== 4) throw new CompatParameterError('bbox', '4 nombres attendus : longitude min, latitude min, longitude max, latitude max');
    if (b[0] > b[2] || b[1] > b[3]) throw new CompatParameterError('bbox', 'le minimum dépasse le maximum');
    out.push({ type: 'spatial', op: 's_intersects', left: { type: 'property', name: 'geometry' }, right: { type: 'bbox', bbox: b } });
  }
  if (endpoint.distance) {
    const given = ['distance', 'latitude', 'longitude'].filter((n) => params[n] !== undefined && params[n] !== '');
    if (given.length > 0 && given.length < 3) {
      const missing = ['distance', 'latitude', 'longitude'].find((n) => !given.includes(n))!;
      throw new CompatParameterError(missing, 'distance, latitude et longitude vont ensemble');
    }
    if (given.length === 3) {
      const [km] = numbers('distance', params.distance);
      const [lat] = numbers('latitude', params.latitude);
      const [lon] = numbers('longitude', params.longitude);
      if (!(km > 0 && km <= 5000)) throw new CompatParameterError('distance', 'un rayon en km, entre 0 et 5000, est attendu');
      if (Math.abs(lat) > 90) throw new CompatParameterError('latitude', 'entre -90 et 90');
      if (Math.abs(lon) > 180) throw new CompatParameterError('longitude', 'entre -180 et 180');
      out.push({ type: 'spatial', op: 's_intersects', left: { type: 'property', name: 'geometry' }, right: { type: 'geometry', geometry: circlePolygon(lon, lat, km) } });
    }
  }
  return out.length === 0 ? undefined : out.length === 1 ? out[0] : logical('and', out);
}

/** Parameters the engine itself reads on every endpoint. */
export const PAGING_PARAMETERS = ['page', 'size', 'cursor', 'fields', 'format', 'sort'];

export function spatialParameters(endpoint: CompatEndpoint): string[] {
  return [...(endpoint.bbox ? ['bbox'] : []), ...(endpoint.distance ? ['distance', 'latitude', 'longitude'] : [])];
}
