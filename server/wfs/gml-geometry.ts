// GML 3.2 geometries: read from filters (Point, LineString, Polygon, Envelope and their Multi
// forms), written in responses (Point, Polygon, MultiSurface…), coordinates in the order given.
import type { Geometry, Position } from 'geojson';
import { child, childrenNamed, type XmlElement } from './xml.js';

export class GmlError extends Error {}

function numbers(text: string): number[] {
  const parts = text.trim().split(/[\s,]+/).filter(Boolean);
  const values = parts.map(Number);
  if (values.some((v) => !Number.isFinite(v))) throw new GmlError(`coordonnées invalides : « ${text.slice(0, 80)} »`);
  return values;
}

function dimension(el: XmlElement, inherited: number): number {
  const d = Number(el.attrs.srsDimension ?? inherited);
  if (d !== 2 && d !== 3) throw new GmlError(`srsDimension ${el.attrs.srsDimension} non pris en charge`);
  return d;
}

function positions(el: XmlElement, dim: number): Position[] {
  const d = dimension(el, dim);
  const posList = child(el, 'posList');
  if (posList) {
    const values = numbers(posList.text);
    const dd = dimension(posList, d);
    if (values.length % dd !== 0) throw new GmlError('posList : nombre de valeurs incompatible avec srsDimension');
    const out: Position[] = [];
    for (let i = 0; i < values.length; i += dd) out.push(values.slice(i, i + 2));
    return out;
  }
  const pos = childrenNamed(el, 'pos');
  if (pos.length) return pos.map((p) => numbers(p.text).slice(0, 2));
  const coordinates = child(el, 'coordinates');
  if (coordinates) {
    const out: Position[] = [];
    for (const tuple of coordinates.text.trim().split(/\s+/)) out.push(numbers(tuple).slice(0, 2));
    return out;
  }
  throw new GmlError(`${el.name} : coordonnées absentes (pos, posList)`);
}

function ring(el: XmlElement | undefined, dim: number): Position[] {
  const linear = el && child(el, 'LinearRing');
  if (!linear) throw new GmlError('Polygon : LinearRing attendu');
  const ps = positions(linear, dim);
  if (ps.length < 4) throw new GmlError('LinearRing : au moins 4 positions');
  return ps;
}

function polygon(el: XmlElement, dim: number): Position[][] {
  const d = dimension(el, dim);
  return [ring(child(el, 'exterior'), d), ...childrenNamed(el, 'interior').map((i) => ring(i, d))];
}

function members(el: XmlElement, single: string, plural: string): XmlElement[] {
  const list = childrenNamed(el, single).flatMap((m) => m.children);
  const many = child(el, plural);
  return many ? [...list, ...many.children] : list;
}

/** The GML geometry `el` as GeoJSON, coordinates untouched (in the axis order of its srsName). */
export function readGeometry(el: XmlElement, dim = 2): Geometry {
  const d = dimension(el, dim);
  switch (el.name) {
    case 'Point': {
      const [p] = positions(el, d);
      return { type: 'Point', coordinates: p };
    }
    case 'LineString': return { type: 'LineString', coordinates: positions(el, d) };
    case 'Polygon': return { type: 'Polygon', coordinates: polygon(el, d) };
    case 'Envelope': {
      const lower = child(el, 'lowerCorner');
      const upper = child(el, 'upperCorner');
      if (!lower || !upper) throw new GmlError('Envelope : lowerCorner et upperCorner attendus');
      const [x0, y0] = numbers(lower.text);
      const [x1, y1] = numbers(upper.text);
      if ([x0, y0, x1, y1].some((v) => v === undefined)) throw new GmlError('Envelope : deux coordonnées par coin');
      return { type: 'Polygon', coordinates: [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]] };
    }
    case 'MultiPoint':
      return { type: 'MultiPoint', coordinates: members(el, 'pointMember', 'pointMembers').map((m) => positions(m, d)[0]) };
    case 'MultiCurve': case 'MultiLineString':
      return { type: 'MultiLineString', coordinates: [...members(el, 'curveMember', 'curveMembers'), ...members(el, 'lineStringMember', 'lineStringMembers')].map((m) => positions(m, d)) };
    case 'MultiSurface': case 'MultiPolygon':
      return { type: 'MultiPolygon', coordinates: [...members(el, 'surfaceMember', 'surfaceMembers'), ...members(el, 'polygonMember', 'polygonMembers')].map((m) => polygon(m, d)) };
    default:
      throw new GmlError(`géométrie GML « ${el.name} » non prise en charge`);
  }
}

/** The srsName the geometry (or its first descendant) declares. */
export function srsNameOf(el: XmlElement): string | undefined {
  if (el.attrs.srsName) return el.attrs.srsName;
  for (const c of el.children) {
    const s = srsNameOf(c);
    if (s) return s;
  }
  return undefined;
}

// --- Writing ----------------------------------------------------------------------------------

const posList = (ps: Position[]) => ps.map((p) => `${p[0]} ${p[1]}`).join(' ');

function polygonXml(rings: Position[][], id: string): string {
  const [outer, ...inner] = rings;
  return `<gml:Polygon gml:id="${id}"><gml:exterior><gml:LinearRing><gml:posList srsDimension="2">${posList(outer)}</gml:posList></gml:LinearRing></gml:exterior>${
    inner.map((r) => `<gml:interior><gml:LinearRing><gml:posList srsDimension="2">${posList(r)}</gml:posList></gml:LinearRing></gml:interior>`).join('')}</gml:Polygon>`;
}

/**
 * GML 3.2 of a GeoJSON geometry already in the output CRS and axis order. Every geometry gets a
 * gml:id (required by GML 3.2), derived from the feature's.
 */
export function writeGeometry(g: Geometry, id: string, srsName: string): string {
  const srs = `srsName="${srsName}"`;
  switch (g.type) {
    case 'Point': return `<gml:Point gml:id="${id}" ${srs}><gml:pos>${g.coordinates[0]} ${g.coordinates[1]}</gml:pos></gml:Point>`;
    case 'LineString': return `<gml:LineString gml:id="${id}" ${srs}><gml:posList srsDimension="2">${posList(g.coordinates)}</gml:posList></gml:LineString>`;
    case 'Polygon': return polygonXml(g.coordinates, id).replace('<gml:Polygon ', `<gml:Polygon ${srs} `);
    case 'MultiPoint':
      return `<gml:MultiPoint gml:id="${id}" ${srs}>${g.coordinates.map((p, i) => `<gml:pointMember><gml:Point gml:id="${id}.${i + 1}"><gml:pos>${p[0]} ${p[1]}</gml:pos></gml:Point></gml:pointMember>`).join('')}</gml:MultiPoint>`;
    case 'MultiLineString':
      return `<gml:MultiCurve gml:id="${id}" ${srs}>${g.coordinates.map((l, i) => `<gml:curveMember><gml:LineString gml:id="${id}.${i + 1}"><gml:posList srsDimension="2">${posList(l)}</gml:posList></gml:LineString></gml:curveMember>`).join('')}</gml:MultiCurve>`;
    case 'MultiPolygon':
      return `<gml:MultiSurface gml:id="${id}" ${srs}>${g.coordinates.map((p, i) => `<gml:surfaceMember>${polygonXml(p, `${id}.${i + 1}`)}</gml:surfaceMember>`).join('')}</gml:MultiSurface>`;
    case 'GeometryCollection':
      return `<gml:MultiGeometry gml:id="${id}" ${srs}>${g.geometries.map((x, i) => `<gml:geometryMember>${writeGeometry(x, `${id}.${i + 1}`, srsName).replace(` ${srs}`, '')}</gml:geometryMember>`).join('')}</gml:MultiGeometry>`;
  }
}
