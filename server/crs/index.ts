// CRS parsing and reprojection for OGC API – Features Part 2 (crs, bbox-crs, Content-Crs).
// Coordinates are always in the CRS's own axis order: EPSG:4326 means lat,lon,
// both for geometries and for Rects (minX holds the first axis, i.e. latitude).
import proj4 from 'proj4';
import type { Geometry, Position } from 'geojson';
import type { Rect } from '../types.js';
import { CRS_DEFINITIONS, type CrsDefinition } from './definitions.js';

export type CrsInfo = Readonly<CrsDefinition>;
export type { CrsDefinition } from './definitions.js';
export { CRS_DEFINITIONS } from './definitions.js';

/** An unsupported or malformed CRS value (answer 400 InvalidParameterValue). */
export class CrsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CrsError';
  }
}

/** Canonical URIs of the supported CRSs, CRS84 first (as the `crs` list wants). */
export const SUPPORTED_CRS_URIS: string[] = CRS_DEFINITIONS.map((d) => d.uri);

const BY_ID = new Map<string, CrsInfo>(CRS_DEFINITIONS.map((d) => [d.id, d]));

export const CRS84: CrsInfo = BY_ID.get('OGC:CRS84')!;

export function isCrs84(c: CrsInfo): boolean {
  return c.id === CRS84.id;
}

/** CRS84 or EPSG:4326: the same coordinates up to axis order, so shapes drawn in one are the same in the other. */
export function isLonLatEquivalent(c: CrsInfo): boolean {
  return c.proj4 === CRS84.proj4;
}

// Any version is accepted: QGIS sends e.g. /def/crs/EPSG/9.6.2/3857.
const HTTP_URI = /^https?:\/\/www\.opengis\.net\/def\/crs\/(EPSG|OGC)\/[0-9.]+\/([A-Za-z0-9]+)$/i;
const URN = /^urn:ogc:def:crs:(EPSG|OGC):[0-9.]*:([A-Za-z0-9]+)$/i;
const CURIE = /^(EPSG|OGC):([A-Za-z0-9]+)$/i;

/**
 * Accepts the OGC URI (any version), `EPSG:2154`, `[EPSG:2154]` (safe CURIE),
 * `urn:ogc:def:crs:EPSG::2154`, `OGC:CRS84` and the URN/URI forms of CRS84.
 */
export function parseCrs(value: string): CrsInfo {
  const v = value.trim();
  const bare = v.startsWith('[') && v.endsWith(']') ? v.slice(1, -1) : v;
  const m = HTTP_URI.exec(v) ?? URN.exec(v) ?? CURIE.exec(bare);
  const found = m ? BY_ID.get(`${m[1].toUpperCase()}:${m[2].toUpperCase()}`) : undefined;
  if (!found) {
    throw new CrsError(`Unsupported CRS '${value}'. Supported CRSs: ${SUPPORTED_CRS_URIS.join(', ')}`);
  }
  return found;
}

/** Value of the Content-Crs response header. */
export function contentCrsHeader(c: CrsInfo): string {
  return `<${c.uri}>`;
}

type PositionFn = (p: Position) => Position;

const projectors = new Map<string, PositionFn>();

/** Unrounded position transform (axis order on both sides), one proj4 converter per pair. */
function projector(from: CrsInfo, to: CrsInfo): PositionFn {
  const key = `${from.id}>${to.id}`;
  let fn = projectors.get(key);
  if (fn) return fn;
  // CRS84 ↔ EPSG:4326 is only an axis swap: no proj4 call at all.
  const conv = from.proj4 === to.proj4 ? null : proj4(from.proj4, to.proj4);
  const swapIn = from.axisOrder === 'yx';
  const swapOut = to.axisOrder === 'yx';
  fn = (p) => {
    let x = swapIn ? p[1] : p[0];
    let y = swapIn ? p[0] : p[1];
    if (conv) {
      const r = conv.forward([x, y]);
      x = r[0];
      y = r[1];
    }
    const out = swapOut ? [y, x] : [x, y];
    // Extra ordinates (elevation) pass through untouched: all datums here are WGS84-equivalent.
    for (let i = 2; i < p.length; i++) out.push(p[i]);
    return out;
  };
  projectors.set(key, fn);
  return fn;
}

function mapGeometry(g: Geometry, pt: PositionFn): Geometry {
  switch (g.type) {
    case 'Point':
      return { type: 'Point', coordinates: pt(g.coordinates) };
    case 'MultiPoint':
      return { type: 'MultiPoint', coordinates: g.coordinates.map(pt) };
    case 'LineString':
      return { type: 'LineString', coordinates: g.coordinates.map(pt) };
    case 'MultiLineString':
      return { type: 'MultiLineString', coordinates: g.coordinates.map((l) => l.map(pt)) };
    case 'Polygon':
      return { type: 'Polygon', coordinates: g.coordinates.map((r) => r.map(pt)) };
    case 'MultiPolygon':
      return { type: 'MultiPolygon', coordinates: g.coordinates.map((p) => p.map((r) => r.map(pt))) };
    case 'GeometryCollection':
      return { type: 'GeometryCollection', geometries: g.geometries.map((x) => mapGeometry(x, pt)) };
  }
}

export type GeometryTransformer = (g: Geometry) => Geometry;

const identity: GeometryTransformer = (g) => g;
const transformers = new Map<string, GeometryTransformer>();

/**
 * Geometry reprojection from `from` to `to`, rounded to the target's decimals.
 * Returns new geometries (a foreign `bbox` member is dropped); same CRS → identity.
 */
export function makeTransformer(from: CrsInfo, to: CrsInfo): GeometryTransformer {
  if (from.id === to.id) return identity;
  const key = `${from.id}>${to.id}`;
  let t = transformers.get(key);
  if (t) return t;
  const project = projector(from, to);
  const f = 10 ** to.decimals;
  const pt: PositionFn = (p) => {
    const q = project(p);
    q[0] = Math.round(q[0] * f) / f;
    q[1] = Math.round(q[1] * f) / f;
    return q;
  };
  t = (g) => mapGeometry(g, pt);
  transformers.set(key, t);
  return t;
}

const EDGE_POINTS = 21;
const REFINE_STEPS = 24;

/** Rect in the CRS's axis order → its four edges as [x0, y0, x1, y1]. */
function edges(r: Rect): [number, number, number, number][] {
  return [
    [r.minX, r.minY, r.maxX, r.minY],
    [r.maxX, r.minY, r.maxX, r.maxY],
    [r.maxX, r.maxY, r.minX, r.maxY],
    [r.minX, r.maxY, r.minX, r.minY],
  ];
}

const MERCATOR_MAX_LAT = 85.06;

/** Mercator is infinite at the poles: geographic latitudes are clamped to ±85.06° (its area of use). */
function clampForMercator(rect: Rect, from: CrsInfo, to: CrsInfo): Rect {
  if (from.units !== 'degree' || !to.proj4.includes('+proj=merc')) return rect;
  const clamp = (v: number): number => Math.max(-MERCATOR_MAX_LAT, Math.min(MERCATOR_MAX_LAT, v));
  return from.axisOrder === 'yx'
    ? { ...rect, minX: clamp(rect.minX), maxX: clamp(rect.maxX) }
    : { ...rect, minY: clamp(rect.minY), maxY: clamp(rect.maxY) };
}

/**
 * Envelope in `to` of a rect given in `from` (bbox-crs). Each edge is densified
 * (21 points) and every extreme is refined between its neighbouring samples, so
 * the envelope contains the true transformed box; it is rounded outwards.
 * Latitudes beyond ±85.06° are clamped when the target is EPSG:3857.
 */
export function transformRect(rect: Rect, from: CrsInfo, to: CrsInfo): Rect {
  if (![rect.minX, rect.minY, rect.maxX, rect.maxY].every(Number.isFinite)) {
    throw new CrsError('The bounding box must have finite coordinates');
  }
  if (from.id === to.id) return { ...rect };
  const project = projector(from, to);
  const src = clampForMercator(rect, from, to);
  const env = { minX: Infinity, minY: Infinity, maxX: -Infinity, maxY: -Infinity };
  const add = (x: number, y: number): void => {
    if (!Number.isFinite(x) || !Number.isFinite(y)) return;
    env.minX = Math.min(env.minX, x);
    env.maxX = Math.max(env.maxX, x);
    env.minY = Math.min(env.minY, y);
    env.maxY = Math.max(env.maxY, y);
  };
  for (const [x0, y0, x1, y1] of edges(src)) {
    const at = (t: number): Position => {
      try {
        return project([x0 + (x1 - x0) * t, y0 + (y1 - y0) * t]);
      } catch {
        return [NaN, NaN]; // proj4 refuses some out-of-domain points: they are skipped
      }
    };
    const samples: Position[] = [];
    for (let i = 0; i < EDGE_POINTS; i++) samples.push(at(i / (EDGE_POINTS - 1)));
    for (const s of samples) add(s[0], s[1]);
    for (const axis of [0, 1]) {
      for (const sign of [-1, 1]) {
        // Score to maximise; non-finite values never win.
        const score = (p: Position): number => (Number.isFinite(p[axis]) ? sign * p[axis] : -Infinity);
        let best = 0;
        for (let i = 1; i < samples.length; i++) if (score(samples[i]) > score(samples[best])) best = i;
        if (score(samples[best]) === -Infinity) continue;
        // Ternary search around the best sample: the extreme may lie between samples.
        let lo = Math.max(0, best - 1) / (EDGE_POINTS - 1);
        let hi = Math.min(EDGE_POINTS - 1, best + 1) / (EDGE_POINTS - 1);
        for (let k = 0; k < REFINE_STEPS; k++) {
          const m1 = lo + (hi - lo) / 3;
          const m2 = hi - (hi - lo) / 3;
          if (score(at(m1)) < score(at(m2))) lo = m1;
          else hi = m2;
        }
        const p = at((lo + hi) / 2);
        add(p[0], p[1]);
      }
    }
  }
  if (!Number.isFinite(env.minX) || !Number.isFinite(env.minY)) {
    throw new CrsError(`The bounding box cannot be expressed in ${to.uri}`);
  }
  const f = 10 ** to.decimals;
  return {
    minX: Math.floor(env.minX * f) / f,
    minY: Math.floor(env.minY * f) / f,
    maxX: Math.ceil(env.maxX * f) / f,
    maxY: Math.ceil(env.maxY * f) / f,
  };
}
