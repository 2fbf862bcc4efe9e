// What a filter may refer to: queryables, the geometry, the temporal extent.
import type { Geometry } from 'geojson';
import type { PropertyType } from '../types.js';
import { Cql2Error } from './errors.js';

export interface CompileContext {
  /** Queryables by name. Any other name is a client error. */
  properties: Map<string, { type: PropertyType }>;
  /** How the collection's temporal extent is stored ('year': an integer year = [YYYY-01-01, YYYY-12-31]). */
  temporal?: { start: string; end?: string; kind: 'year' | 'date'; unknownValues?: string[] };
  /** Converts geometry literals from filter-crs to CRS84 (lon, lat). Identity by default. */
  transformGeometry?: (g: Geometry) => Geometry;
  /**
   * Alternatively, converts each feature geometry (CRS84) into the literals' CRS, so that spatial
   * predicates are evaluated where the literal was drawn: a rectangle in Lambert-93 stays one.
   * Literals are then taken as they are (transformGeometry is not applied).
   */
  featureTransform?: (g: Geometry) => Geometry;
  /** Names that denote the feature geometry. Default: ['geometry']. */
  geometryProperties?: string[];
}

/** Static kind of a value, used to check operand types at compile time. */
export type Kind = 'string' | 'number' | 'boolean' | 'instant' | 'geometry' | 'array' | 'any';

const KIND_OF: Record<PropertyType, Kind> = {
  string: 'string', integer: 'number', number: 'number', boolean: 'boolean', date: 'instant', array: 'array',
};

export interface PropertyInfo {
  name: string;
  type: PropertyType | 'geometry';
  kind: Kind;
  /** 'year' when this property holds a year of the temporal extent. */
  temporalKind?: 'year' | 'date';
  /** This property is the end of the temporal extent (null = open). */
  isTemporalEnd: boolean;
}

export class Scope {
  readonly transform?: (g: Geometry) => Geometry;
  readonly featureTransform?: (g: Geometry) => Geometry;
  private readonly geometryNames: Set<string>;

  constructor(readonly ctx: CompileContext) {
    this.featureTransform = ctx.featureTransform;
    this.transform = ctx.featureTransform ? undefined : ctx.transformGeometry;
    this.geometryNames = new Set(ctx.geometryProperties ?? ['geometry']);
  }

  /** Resolves a property name, or throws naming it (HTTP 400). */
  property(name: string): PropertyInfo {
    const def = this.ctx.properties.get(name);
    if (!def && this.geometryNames.has(name)) {
      return { name, type: 'geometry', kind: 'geometry', isTemporalEnd: false };
    }
    if (!def) {
      const known = [...this.ctx.properties.keys(), ...this.geometryNames];
      const list = known.length > 30 ? `${known.slice(0, 30).join(', ')}, …` : known.join(', ');
      throw new Cql2Error(`unknown property "${name}" (queryables: ${list})`);
    }
    const t = this.ctx.temporal;
    const temporal = t && (t.start === name || t.end === name);
    const info: PropertyInfo = {
      name, type: def.type, kind: KIND_OF[def.type] ?? 'any', isTemporalEnd: !!t && t.end === name,
    };
    // Placeholder dates (unknownValues) are open ends for `datetime` only: a filter compares the shown value.
    if (temporal) info.temporalKind = t.kind;
    return info;
  }
}
