// FES 2.0 filters translated to the CQL2 tree of server/cql2, so a WFS filter is evaluated by the
// same engine, with the same results, as the OGC API `filter`. Geometry literals are converted to
// CRS84 here (each may carry its own srsName). What has no translation is an exception.
import type { Geometry, Position } from 'geojson';
import proj4 from 'proj4';
import BufferOp from 'jsts/org/locationtech/jts/operation/buffer/BufferOp.js';
import GeoJSONWriter from 'jsts/org/locationtech/jts/io/GeoJSONWriter.js';
import type { ComparisonOp, Node, SpatialOp } from '../cql2/ast.js';
import { logical } from '../cql2/ast.js';
import { toJsts } from '../cql2/geometry.js';
import { CRS84, makeTransformer } from '../crs/index.js';
import type { CollectionDefinition, PropertyDefinition } from '../types.js';
import { GEOMETRY, localName } from './config.js';
import { parseSrsName, type SrsChoice } from './crs.js';
import { WfsException } from './errors.js';
import { GmlError, readGeometry, srsNameOf } from './gml-geometry.js';
import type { XmlElement } from './xml.js';

const COMPARISONS: Record<string, ComparisonOp> = {
  PropertyIsEqualTo: '=', PropertyIsNotEqualTo: '<>', PropertyIsLessThan: '<', PropertyIsGreaterThan: '>',
  PropertyIsLessThanOrEqualTo: '<=', PropertyIsGreaterThanOrEqualTo: '>=',
};
const SPATIAL: Record<string, SpatialOp> = {
  Intersects: 's_intersects', Within: 's_within', Contains: 's_contains', Disjoint: 's_disjoint', Equals: 's_equals',
  Touches: 's_touches', Overlaps: 's_overlaps', Crosses: 's_crosses',
};

/** Operators declared in the Filter_Capabilities: exactly those translated below. */
export const FES_COMPARISON_OPERATORS = ['PropertyIsEqualTo', 'PropertyIsNotEqualTo', 'PropertyIsLessThan', 'PropertyIsGreaterThan',
  'PropertyIsLessThanOrEqualTo', 'PropertyIsGreaterThanOrEqualTo', 'PropertyIsLike', 'PropertyIsNull', 'PropertyIsNil', 'PropertyIsBetween'];
export const FES_SPATIAL_OPERATORS = ['BBOX', 'Intersects', 'Within', 'Contains', 'Disjoint', 'Equals', 'Touches', 'Overlaps', 'Crosses', 'DWithin', 'Beyond'];
export const FES_GEOMETRY_OPERANDS = ['gml:Envelope', 'gml:Point', 'gml:LineString', 'gml:Polygon', 'gml:MultiPoint', 'gml:MultiCurve', 'gml:MultiSurface'];

const fail = (message: string) => new WfsException('InvalidParameterValue', 'filter', `Filtre FES : ${message}`);
const unsupported = (what: string) => new WfsException('OperationProcessingFailed', 'filter', `Filtre FES : ${what} n'est pas pris en charge (voir Filter_Capabilities)`);

export interface FesContext {
  definition: CollectionDefinition;
  /** SRS of geometry literals without srsName: the query's srsName, else the default CRS. */
  defaultSrs: SrsChoice;
}

const EDGE_STEPS = 32;

function densify(ring: Position[]): Position[] {
  const out: Position[] = [];
  for (let i = 0; i < ring.length - 1; i++) {
    const [x0, y0] = ring[i];
    const [x1, y1] = ring[i + 1];
    for (let k = 0; k < EDGE_STEPS; k++) out.push([x0 + ((x1 - x0) * k) / EDGE_STEPS, y0 + ((y1 - y0) * k) / EDGE_STEPS]);
  }
  out.push(ring[ring.length - 1]);
  return out;
}

export class FesTranslator {
  private properties: Map<string, PropertyDefinition>;

  constructor(private ctx: FesContext) {
    this.properties = new Map(ctx.definition.properties.map((p) => [p.name, p]));
  }

  /** The fes:Filter element (or its only operator) as a CQL2 tree. */
  filter(el: XmlElement): Node {
    const ops = el.name === 'Filter' ? el.children : [el];
    if (ops.length === 0) throw fail('filtre vide');
    if (ops.every((o) => o.name === 'ResourceId')) return this.resourceIds(ops);
    if (ops.length > 1) throw fail('un seul opérateur à la racine de fes:Filter (And/Or pour en combiner)');
    return this.operator(ops[0]);
  }

  private operator(el: XmlElement): Node {
    const { name } = el;
    if (name === 'And' || name === 'Or') {
      if (el.children.length < 2) throw fail(`${name} demande au moins deux opérandes`);
      return logical(name === 'And' ? 'and' : 'or', el.children.map((c) => (c.name === 'ResourceId' ? this.resourceIds([c]) : this.operator(c))));
    }
    if (name === 'Not') {
      if (el.children.length !== 1) throw fail('Not demande un opérande');
      return { type: 'not', arg: this.operator(el.children[0]) };
    }
    if (name === 'ResourceId') return this.resourceIds([el]);
    if (COMPARISONS[name]) return this.comparison(el, COMPARISONS[name]);
    if (name === 'PropertyIsLike') return this.like(el);
    if (name === 'PropertyIsNull' || name === 'PropertyIsNil') return { type: 'isNull', value: this.expression(this.only(el), undefined) };
    if (name === 'PropertyIsBetween') return this.between(el);
    if (name === 'BBOX') return this.bbox(el);
    if (SPATIAL[name]) return this.spatial(el, SPATIAL[name]);
    if (name === 'DWithin' || name === 'Beyond') return this.distance(el);
    throw unsupported(`l'opérateur « ${name} »`);
  }

  private only(el: XmlElement): XmlElement {
    if (el.children.length !== 1) throw fail(`${el.name} demande une expression`);
    return el.children[0];
  }

  /** The property a ValueReference names, by its local name (`bnpe:code` or `bnpe:type/bnpe:code`). */
  private propertyName(el: XmlElement): string {
    const path = el.text.split('/').filter(Boolean);
    const name = localName(path[path.length - 1] ?? '').replace(/^@/, '');
    if (name === GEOMETRY || (this.ctx.definition.geometryType && !this.properties.has(name) && /^(the_geom|geom|geometrie|msGeometry)$/i.test(name))) return GEOMETRY;
    if (!this.properties.has(name)) throw fail(`propriété « ${el.text} » inconnue`);
    return name;
  }

  /** A Literal typed after the property it is compared with (QGIS sends numbers as text). */
  private literal(el: XmlElement, typeOf: PropertyDefinition | undefined): Node {
    const text = el.text;
    switch (typeOf?.type) {
      case 'integer': case 'number': {
        const n = Number(text);
        if (text === '' || !Number.isFinite(n)) throw fail(`« ${text} » n'est pas un nombre (${typeOf.name})`);
        return { type: 'literal', value: n };
      }
      case 'boolean':
        if (!/^(true|false|1|0)$/i.test(text)) throw fail(`« ${text} » : true ou false attendu (${typeOf.name})`);
        return { type: 'literal', value: /^(true|1)$/i.test(text) };
      case 'date':
        if (/^\d{4}-\d{2}-\d{2}$/.test(text)) return { type: 'date', value: text };
        if (/^\d{4}-\d{2}-\d{2}T/.test(text)) return { type: 'timestamp', value: text };
        return { type: 'literal', value: text };
      default:
        return { type: 'literal', value: text };
    }
  }

  private expression(el: XmlElement, other: XmlElement | undefined): Node {
    if (el.name === 'ValueReference' || el.name === 'PropertyName') return { type: 'property', name: this.propertyName(el) };
    if (el.name === 'Literal') {
      if (el.children.length) return this.geometryNode(el.children[0]);
      const typeOf = other && (other.name === 'ValueReference' || other.name === 'PropertyName') ? this.properties.get(this.propertyName(other)) : undefined;
      return this.literal(el, typeOf);
    }
    if (el.name === 'Function') throw unsupported(`la fonction « ${el.attrs.name ?? '?'} »`);
    throw fail(`expression « ${el.name} » inattendue`);
  }

  private caseless(node: Node, matchCase: string | undefined): Node {
    return matchCase === 'false' ? { type: 'casei', arg: node } : node;
  }

  private comparison(el: XmlElement, op: ComparisonOp): Node {
    if (el.children.length !== 2) throw fail(`${el.name} demande deux expressions`);
    const [a, b] = el.children;
    let left = this.expression(a, b);
    let right = this.expression(b, a);
    const stringy = [left, right].every((n) => n.type === 'property' ? this.properties.get(n.name)?.type === 'string' : n.type === 'literal' && typeof n.value === 'string');
    if (stringy) { left = this.caseless(left, el.attrs.matchCase); right = this.caseless(right, el.attrs.matchCase); }
    return { type: 'comparison', op, left, right };
  }

  /** wildCard/singleChar/escapeChar of the request → CQL2's %, _ and \. */
  private like(el: XmlElement): Node {
    if (el.children.length !== 2) throw fail('PropertyIsLike demande une propriété et un motif');
    const [a, b] = el.children;
    const wild = el.attrs.wildCard ?? '*';
    const single = el.attrs.singleChar ?? '.';
    const escape = el.attrs.escapeChar ?? el.attrs.escape ?? '\\';
    if ([wild, single, escape].some((c) => [...c].length !== 1)) throw fail('wildCard, singleChar et escapeChar : un caractère chacun');
    let pattern = '';
    const chars = [...b.text];
    for (let i = 0; i < chars.length; i++) {
      const c = chars[i];
      if (c === escape && i + 1 < chars.length) { const n = chars[++i]; pattern += n === '%' || n === '_' || n === '\\' ? `\\${n}` : n; }
      else if (c === wild) pattern += '%';
      else if (c === single) pattern += '_';
      else pattern += c === '%' || c === '_' || c === '\\' ? `\\${c}` : c;
    }
    const value = this.expression(a, undefined);
    const literal: Node = { type: 'literal', value: pattern };
    return el.attrs.matchCase === 'false'
      ? { type: 'like', value: { type: 'casei', arg: value }, pattern: { type: 'casei', arg: literal } }
      : { type: 'like', value, pattern: literal };
  }

  private between(el: XmlElement): Node {
    const lower = el.children.find((c) => c.name === 'LowerBoundary');
    const upper = el.children.find((c) => c.name === 'UpperBoundary');
    const value = el.children.find((c) => c !== lower && c !== upper);
    if (!lower || !upper || !value) throw fail('PropertyIsBetween demande une expression, LowerBoundary et UpperBoundary');
    return { type: 'between', value: this.expression(value, undefined), low: this.expression(this.only(lower), value), high: this.expression(this.only(upper), value) };
  }

  private srsOf(el: XmlElement): SrsChoice {
    const name = srsNameOf(el);
    return name ? parseSrsName(name, 'filter') : this.ctx.defaultSrs;
  }

  /** A GML geometry, in CRS84. Polygons from projected CRSs are densified first. */
  private geometry(el: XmlElement): Geometry {
    let g: Geometry;
    try { g = readGeometry(el); } catch (error) {
      if (error instanceof GmlError) throw fail(error.message);
      throw error;
    }
    const srs = this.srsOf(el);
    if (srs.crs.id === CRS84.id) return g;
    if (srs.crs.units === 'metre' && el.name === 'Envelope' && g.type === 'Polygon') g = { type: 'Polygon', coordinates: [densify(g.coordinates[0])] };
    try { return makeTransformer(srs.crs, CRS84)(g); } catch { throw fail(`géométrie hors du domaine de ${srs.name}`); }
  }

  private geometryNode(el: XmlElement): Node {
    const srs = this.srsOf(el);
    // A lon/lat or lat/lon envelope stays a box: the R-tree and the evaluation take it as it is.
    if (el.name === 'Envelope' && srs.crs.units === 'degree') {
      const ring = (this.geometry(el) as { coordinates: Position[][] }).coordinates[0];
      const xs = ring.map((p) => p[0]);
      const ys = ring.map((p) => p[1]);
      return { type: 'bbox', bbox: [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)] };
    }
    return { type: 'geometry', geometry: this.geometry(el) };
  }

  /** The (ValueReference?, geometry) operands of a spatial operator. */
  private spatialOperands(el: XmlElement): { property: Node; literal: XmlElement } {
    const refs = el.children.filter((c) => c.name === 'ValueReference' || c.name === 'PropertyName');
    const others = el.children.filter((c) => !refs.includes(c) && c.name !== 'Distance');
    if (refs.length > 1 || others.length !== 1) throw fail(`${el.name} demande une propriété géométrique et une géométrie`);
    if (!this.ctx.definition.geometryType) throw fail(`${el.name} : ce type n'a pas de géométrie`);
    const property = refs.length ? this.expression(refs[0], undefined) : { type: 'property' as const, name: GEOMETRY };
    if (property.type !== 'property' || property.name !== GEOMETRY) throw fail(`${el.name} : la propriété doit être la géométrie (${GEOMETRY})`);
    const literal = others[0].name === 'Literal' ? others[0].children[0] : others[0];
    if (!literal) throw fail(`${el.name} : géométrie absente`);
    return { property, literal };
  }

  private bbox(el: XmlElement): Node {
    const { property, literal } = this.spatialOperands(el);
    if (literal.name !== 'Envelope') throw fail('BBOX demande un gml:Envelope');
    return { type: 'spatial', op: 's_intersects', left: property, right: this.geometryNode(literal) };
  }

  private spatial(el: XmlElement, op: SpatialOp): Node {
    const { property, literal } = this.spatialOperands(el);
    return { type: 'spatial', op, left: property, right: this.geometryNode(literal) };
  }

  /** DWithin/Beyond: the literal buffered by the distance (in an azimuthal projection centred on it). */
  private distance(el: XmlElement): Node {
    const { property, literal } = this.spatialOperands(el);
    const distanceEl = el.children.find((c) => c.name === 'Distance');
    const value = Number(distanceEl?.text);
    if (!distanceEl || !Number.isFinite(value) || value < 0) throw fail(`${el.name} demande une Distance positive`);
    const uom = (distanceEl.attrs.uom ?? 'm').toLowerCase();
    const factor = ({ m: 1, metre: 1, meter: 1, metres: 1, meters: 1, 'urn:ogc:def:uom:epsg::9001': 1, km: 1000, kilometre: 1000, kilometer: 1000 } as Record<string, number>)[uom];
    if (factor === undefined) throw fail(`unité de distance « ${distanceEl.attrs.uom} » non prise en charge (m, km)`);
    const buffered = bufferMetres(this.geometry(literal), value * factor);
    const within: Node = { type: 'spatial', op: 's_intersects', left: property, right: { type: 'geometry', geometry: buffered } };
    return el.name === 'DWithin' ? within : { type: 'not', arg: within };
  }

  /** ResourceIds → equality on the properties the ids are made of (joined by '_'). */
  private resourceIds(els: XmlElement[]): Node {
    const { definition } = this.ctx;
    const branches: Node[] = [];
    for (const el of els) {
      const rid = el.attrs.rid;
      if (!rid) throw fail('ResourceId sans attribut rid');
      const id = rid.startsWith(`${definition.id}.`) ? rid.slice(definition.id.length + 1) : rid;
      const branch = idCondition(definition, id);
      if (branch) branches.push(branch);
    }
    if (branches.length === 0) return { type: 'literal', value: false };
    return branches.length === 1 ? branches[0] : logical('or', branches);
  }
}

/** The condition selecting the feature whose id is `id`, or undefined when no feature can have it. */
export function idCondition(definition: CollectionDefinition, id: string): Node | undefined {
  const names = definition.idProperties;
  const parts = names.length === 1 ? [id] : id.split('_');
  if (parts.length !== names.length) return undefined;
  const tests: Node[] = [];
  for (let i = 0; i < names.length; i++) {
    const property = definition.properties.find((p) => p.name === names[i]);
    let value: string | number = parts[i];
    if (property && (property.type === 'integer' || property.type === 'number')) {
      value = Number(parts[i]);
      if (parts[i] === '' || !Number.isFinite(value)) return undefined;
    }
    tests.push({ type: 'comparison', op: '=', left: { type: 'property', name: names[i] }, right: { type: 'literal', value } });
  }
  return tests.length === 1 ? tests[0] : logical('and', tests);
}

const writer = new GeoJSONWriter();

function mapPositions(g: Geometry, f: (p: Position) => Position): Geometry {
  const walk = (c: unknown): unknown => (typeof (c as unknown[])[0] === 'number' ? f(c as Position) : (c as unknown[]).map(walk));
  if (g.type === 'GeometryCollection') return { type: 'GeometryCollection', geometries: g.geometries.map((x) => mapPositions(x, f)) };
  return { ...g, coordinates: walk(g.coordinates) } as Geometry;
}

function bufferMetres(g: Geometry, metres: number): Geometry {
  const xs: number[] = [];
  const ys: number[] = [];
  mapPositions(g, (p) => { xs.push(p[0]); ys.push(p[1]); return p; });
  const lon = (Math.min(...xs) + Math.max(...xs)) / 2;
  const lat = (Math.min(...ys) + Math.max(...ys)) / 2;
  const local = proj4('+proj=longlat +datum=WGS84 +no_defs', `+proj=aeqd +lat_0=${lat} +lon_0=${lon} +datum=WGS84 +units=m +no_defs`);
  const projected = mapPositions(g, (p) => local.forward([p[0], p[1]]));
  const buffer = BufferOp.bufferOp(toJsts(projected) as never, metres, 32);
  const back = writer.write(buffer) as Geometry;
  return mapPositions(back, (p) => local.inverse([p[0], p[1]]));
}
