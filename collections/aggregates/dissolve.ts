// Union of adjacent polygons (communes into an EPCI, delegated communes into their commune).
// Administrative boundaries share their vertices along common borders, so the union is found by
// cancelling every edge that two polygons walk in opposite directions and chaining what is left
// into rings: linear time, and exact. Input without that topology (overlaps, borders that do not
// share vertices) is detected (repeated edges, area, overlapping parts) and merged with JSTS instead.
import type { Position } from 'geojson';
import GeometryFactory from 'jsts/org/locationtech/jts/geom/GeometryFactory.js';
import GeoJSONReader from 'jsts/org/locationtech/jts/io/GeoJSONReader.js';
import GeoJSONWriter from 'jsts/org/locationtech/jts/io/GeoJSONWriter.js';
import UnaryUnionOp from 'jsts/org/locationtech/jts/operation/union/UnaryUnionOp.js';

export type PolygonCoords = Position[][];
export type MultiPolygonCoords = PolygonCoords[];

/** Twice the signed area (counter-clockwise positive) of a closed ring. */
function ringArea2(ring: Position[]): number {
  let s = 0;
  for (let i = 0; i + 1 < ring.length; i++) s += ring[i][0] * ring[i + 1][1] - ring[i + 1][0] * ring[i][1];
  return s;
}

function closedRing(ring: Position[]): Position[] {
  const a = ring[0], b = ring[ring.length - 1];
  return a[0] === b[0] && a[1] === b[1] ? ring : [...ring, a];
}

/** Exterior counter-clockwise, holes clockwise: material always on the left of an edge. */
function oriented(polygon: PolygonCoords): PolygonCoords {
  return polygon.map((raw, i) => {
    const ring = closedRing(raw);
    const area = ringArea2(ring);
    return (i === 0 ? area < 0 : area > 0) ? [...ring].reverse() : ring;
  });
}

function bbox(ring: Position[]): [number, number, number, number] {
  const b: [number, number, number, number] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const [x, y] of ring) {
    if (x < b[0]) b[0] = x;
    if (y < b[1]) b[1] = y;
    if (x > b[2]) b[2] = x;
    if (y > b[3]) b[3] = y;
  }
  return b;
}

function pointInRing(x: number, y: number, ring: Position[]): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 2; i < ring.length - 1; j = i++) {
    const [xi, yi] = ring[i], [xj, yj] = ring[j];
    if ((yi > y) !== (yj > y) && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

export function dissolve(parts: MultiPolygonCoords[]): MultiPolygonCoords {
  const polygons = parts.flat().filter((p) => p.length > 0 && p[0].length >= 4);
  if (polygons.length <= 1) return polygons.map(oriented);
  return dissolveByEdges(polygons) ?? unionWithJsts(polygons);
}

function dissolveByEdges(input: PolygonCoords[]): MultiPolygonCoords | null {
  const positions = new Map<string, Position>();
  const out = new Map<string, Set<string>>();
  let expected = 0;
  for (const polygon of input.map(oriented)) {
    for (const ring of polygon) {
      expected += ringArea2(ring);
      for (let i = 0; i + 1 < ring.length; i++) {
        const a = `${ring[i][0]},${ring[i][1]}`, b = `${ring[i + 1][0]},${ring[i + 1][1]}`;
        if (a === b) continue;
        positions.set(a, ring[i]);
        const back = out.get(b);
        if (back?.has(a)) { back.delete(a); continue; } // shared border: both sides cancel
        let fwd = out.get(a);
        if (!fwd) out.set(a, (fwd = new Set()));
        if (fwd.has(b)) return null; // the same edge twice: overlapping input
        fwd.add(b);
      }
    }
  }
  const rings: Position[][] = [];
  for (const [start, fwd] of out) {
    while (fwd.size > 0) {
      const ring: Position[] = [positions.get(start)!];
      let at = start;
      do {
        const next: string | undefined = out.get(at)?.values().next().value;
        if (next === undefined) return null; // open chain: not a clean partition
        out.get(at)!.delete(next);
        at = next;
        ring.push(positions.get(at)!);
      } while (at !== start);
      rings.push(ring);
    }
  }
  const exteriors: { ring: Position[]; area: number; holes: Position[][] }[] = [];
  const holes: Position[][] = [];
  let got = 0;
  for (const ring of rings) {
    const area = ringArea2(ring);
    got += area;
    if (area > 0) exteriors.push({ ring, area, holes: [] });
    else if (area < 0) holes.push(ring);
  }
  if (Math.abs(got - expected) > 1e-9 * Math.abs(expected)) return null;
  // Separate parts whose extents overlap may be overlapping inputs that shared no edge: JSTS decides.
  const boxes = exteriors.map((e) => bbox(e.ring));
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      if (boxes[i][0] < boxes[j][2] && boxes[j][0] < boxes[i][2] && boxes[i][1] < boxes[j][3] && boxes[j][1] < boxes[i][3]) return null;
    }
  }
  exteriors.sort((a, b) => a.area - b.area);
  for (const hole of holes) {
    // A point just left of the hole's first edge lies in the material around the hole.
    const [x0, y0] = hole[0], [x1, y1] = hole[1];
    const length = Math.hypot(x1 - x0, y1 - y0);
    const x = (x0 + x1) / 2 - ((y1 - y0) / length) * 1e-9, y = (y0 + y1) / 2 + ((x1 - x0) / length) * 1e-9;
    const owner = exteriors.find((e) => pointInRing(x, y, e.ring));
    if (!owner) return null;
    owner.holes.push(hole);
  }
  return exteriors.map((e) => [e.ring, ...e.holes]);
}

const factory = new GeometryFactory();
const reader = new GeoJSONReader(factory);
const writer = new GeoJSONWriter();

function unionWithJsts(polygons: PolygonCoords[]): MultiPolygonCoords {
  const geometries = polygons.map((p) => reader.read({ type: 'Polygon', coordinates: p }));
  let union;
  try {
    union = UnaryUnionOp.union(factory.createGeometryCollection(geometries));
  } catch {
    // Invalid input rings (self-intersections): buffer(0) repairs them before the union.
    union = UnaryUnionOp.union(factory.createGeometryCollection(geometries.map((g: { buffer(d: number): unknown }) => g.buffer(0))));
  }
  const out = writer.write(union) as { type: string; coordinates: unknown; geometries?: { type: string; coordinates: unknown }[] };
  const parts = out.type === 'GeometryCollection' ? out.geometries ?? [] : [out];
  return parts.flatMap((g) => (g.type === 'Polygon' ? [g.coordinates as PolygonCoords] : g.type === 'MultiPolygon' ? (g.coordinates as MultiPolygonCoords) : []))
    .map(oriented);
}
