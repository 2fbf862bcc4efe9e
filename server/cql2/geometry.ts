// GeoJSON helpers for spatial predicates: envelopes and point location
// without allocation (run per feature), and conversion to JSTS for the rest.
import type { Geometry, MultiPolygon, Polygon, Position } from 'geojson';
import GeometryFactory from 'jsts/org/locationtech/jts/geom/GeometryFactory.js';
import GeoJSONReader from 'jsts/org/locationtech/jts/io/GeoJSONReader.js';
import type { Rect } from '../types.js';

const reader = new GeoJSONReader(new GeometryFactory());

/** Minimal typing of the JSTS geometry API used here. */
export interface JstsGeometry {
  getDimension(): number;
  isEmpty(): boolean;
}

export function toJsts(g: Geometry): JstsGeometry {
  return reader.read(g) as unknown as JstsGeometry;
}

function addPositions(c: unknown, out: Float64Array): void {
  const a = c as unknown[];
  if (typeof a[0] === 'number') {
    const x = a[0] as number, y = a[1] as number;
    if (x < out[0]) out[0] = x;
    if (y < out[1]) out[1] = y;
    if (x > out[2]) out[2] = x;
    if (y > out[3]) out[3] = y;
    return;
  }
  for (let i = 0; i < a.length; i++) addPositions(a[i], out);
}

/** Writes [minX, minY, maxX, maxY] of g into out; false when g has no position. */
export function envelopeInto(g: Geometry, out: Float64Array): boolean {
  out[0] = Infinity; out[1] = Infinity; out[2] = -Infinity; out[3] = -Infinity;
  if (g.type === 'GeometryCollection') {
    const tmp = new Float64Array(4);
    for (const sub of g.geometries) {
      if (!envelopeInto(sub, tmp)) continue;
      if (tmp[0] < out[0]) out[0] = tmp[0];
      if (tmp[1] < out[1]) out[1] = tmp[1];
      if (tmp[2] > out[2]) out[2] = tmp[2];
      if (tmp[3] > out[3]) out[3] = tmp[3];
    }
  } else {
    addPositions(g.coordinates, out);
  }
  return out[0] <= out[2];
}

export function envelopeOf(g: Geometry): Rect | undefined {
  const e = new Float64Array(4);
  return envelopeInto(g, e) ? { minX: e[0], minY: e[1], maxX: e[2], maxY: e[3] } : undefined;
}

/** BBOX literal → polygon; split in two when it crosses the antimeridian (minX > maxX). */
export function bboxGeometry(b: number[]): Polygon | MultiPolygon {
  const [minX, minY, maxX, maxY] = b.length === 6 ? [b[0], b[1], b[3], b[4]] : b;
  const box = (x0: number, x1: number): Position[][] => [[[x0, minY], [x1, minY], [x1, maxY], [x0, maxY], [x0, minY]]];
  if (minX > maxX) return { type: 'MultiPolygon', coordinates: [box(minX, 180), box(-180, maxX)] };
  return { type: 'Polygon', coordinates: box(minX, maxX) };
}

export const EXTERIOR = 0, BOUNDARY = 1, INTERIOR = 2;

function ringLocate(x: number, y: number, ring: Position[]): number {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const xi = ring[i][0], yi = ring[i][1], xj = ring[j][0], yj = ring[j][1];
    const cross = (xj - xi) * (y - yi) - (yj - yi) * (x - xi);
    if (cross === 0 && (x - xi) * (x - xj) <= 0 && (y - yi) * (y - yj) <= 0) return BOUNDARY;
    if ((yi > y) !== (yj > y) && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside ? INTERIOR : EXTERIOR;
}

function polygonLocate(x: number, y: number, rings: Position[][]): number {
  const outer = ringLocate(x, y, rings[0]);
  if (outer !== INTERIOR) return outer;
  for (let h = 1; h < rings.length; h++) {
    const l = ringLocate(x, y, rings[h]);
    if (l === INTERIOR) return EXTERIOR;
    if (l === BOUNDARY) return BOUNDARY;
  }
  return INTERIOR;
}

/** Location of a point relative to a polygon or multipolygon. */
export function locatePoint(x: number, y: number, g: Polygon | MultiPolygon): number {
  if (g.type === 'Polygon') return polygonLocate(x, y, g.coordinates);
  let best = EXTERIOR;
  for (const p of g.coordinates) {
    const l = polygonLocate(x, y, p);
    if (l === INTERIOR) return INTERIOR;
    if (l > best) best = l;
  }
  return best;
}
