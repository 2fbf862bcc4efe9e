// Response writers: a wfs:FeatureCollection in GML 3.2, a wfs:ValueCollection, a single feature
// (GetFeatureById), and GeoJSON. All stream: features are written as they are read.
import type { Response } from 'express';
import type { Feature as GeoJsonFeature } from 'geojson';
import type { Feature } from '../types.js';
import { plainShaper, writeFeatureCollection, type Link } from '../formats/geojson.js';
import { CRS84 } from '../crs/index.js';
import { BufferedWriter } from '../formats/stream.js';
import { gmlId, NS, SCHEMAS, GEOMETRY, type WfsOptions } from './config.js';
import { writeGeometry } from './gml-geometry.js';
import { outputTransform, type PlannedQuery } from './query.js';
import { xmlEscape } from './xml.js';
import { GML_FORMAT } from './documents.js';

export interface CollectionInfo {
  numberMatched: number;
  numberReturned: number;
  next?: string;
  previous?: string;
  /** DescribeFeatureType URL of the type (xsi:schemaLocation). */
  describeUrl: string;
}

function value(v: unknown): string | undefined {
  if (v === null || v === undefined) return undefined;
  if (Array.isArray(v)) return xmlEscape(v.join(','));
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : undefined;
  return xmlEscape(v);
}

/** The bnpe:type element of a feature. */
export function featureXml(options: WfsOptions, q: PlannedQuery, f: Feature, transform: ReturnType<typeof outputTransform>, rootNamespaces = ''): string {
  const p = options.prefix;
  const { definition } = q.collection;
  const id = gmlId(definition, f.id);
  let body = '';
  for (const name of q.properties) {
    const text = value(f.properties[name]);
    if (text !== undefined) body += `<${p}:${name}>${text}</${p}:${name}>`;
  }
  if (q.geometry && f.geometry) body += `<${p}:${GEOMETRY}>${writeGeometry(transform(f.geometry), `${id}.geom`, q.srs.name)}</${p}:${GEOMETRY}>`;
  return `<${p}:${definition.id}${rootNamespaces} gml:id="${id}">${body}</${p}:${definition.id}>`;
}

function rootAttributes(options: WfsOptions, info: CollectionInfo): string {
  const links = `${info.next ? ` next="${xmlEscape(info.next)}"` : ''}${info.previous ? ` previous="${xmlEscape(info.previous)}"` : ''}`;
  return `xmlns:wfs="${NS.wfs}" xmlns:gml="${NS.gml}" xmlns:${options.prefix}="${xmlEscape(options.namespace)}" xmlns:xsi="${NS.xsi}" `
    + `xsi:schemaLocation="${NS.wfs} ${SCHEMAS.wfs} ${NS.gml} ${SCHEMAS.gml} ${xmlEscape(options.namespace)} ${xmlEscape(info.describeUrl)}" `
    + `timeStamp="${new Date().toISOString().replace(/\.\d+Z$/, 'Z')}" numberMatched="${info.numberMatched}" numberReturned="${info.numberReturned}"${links}`;
}

/** Returns the body when it was sent whole (under 2 MB), for the page cache. */
export async function writeGmlCollection(res: Response, options: WfsOptions, q: PlannedQuery, features: AsyncIterable<Feature>, info: CollectionInfo): Promise<Buffer | undefined> {
  res.status(200).type(GML_FORMAT);
  const out = new BufferedWriter(res, 2 * 1024 * 1024);
  await out.push(`<?xml version="1.0" encoding="UTF-8"?>\n<wfs:FeatureCollection ${rootAttributes(options, info)}>\n`);
  const transform = outputTransform(q.srs);
  for await (const f of features) await out.push(`<wfs:member>${featureXml(options, q, f, transform)}</wfs:member>\n`);
  await out.push('</wfs:FeatureCollection>\n');
  return out.end();
}

/** GetPropertyValue: one wfs:member per feature holding the value (or the geometry). */
export async function writeValueCollection(res: Response, options: WfsOptions, q: PlannedQuery, property: string, features: AsyncIterable<Feature>, info: CollectionInfo): Promise<void> {
  res.status(200).type(GML_FORMAT);
  const out = new BufferedWriter(res);
  await out.push(`<?xml version="1.0" encoding="UTF-8"?>\n<wfs:ValueCollection ${rootAttributes(options, info)}>\n`);
  const transform = outputTransform(q.srs);
  const p = options.prefix;
  for await (const f of features) {
    if (property === GEOMETRY) {
      const g = f.geometry ? writeGeometry(transform(f.geometry), `${gmlId(q.collection.definition, f.id)}.geom`, q.srs.name) : '';
      await out.push(`<wfs:member>${g}</wfs:member>\n`);
    } else {
      const text = value(f.properties[property]);
      await out.push(text === undefined ? '<wfs:member/>\n' : `<wfs:member><${p}:${property}>${text}</${p}:${property}></wfs:member>\n`);
    }
  }
  await out.push('</wfs:ValueCollection>\n');
  await out.end();
}

export function singleFeatureGml(options: WfsOptions, q: PlannedQuery, f: Feature, describeUrl: string): string {
  const ns = ` xmlns:gml="${NS.gml}" xmlns:${options.prefix}="${xmlEscape(options.namespace)}" xmlns:xsi="${NS.xsi}" xsi:schemaLocation="${NS.gml} ${SCHEMAS.gml} ${xmlEscape(options.namespace)} ${xmlEscape(describeUrl)}"`;
  return `<?xml version="1.0" encoding="UTF-8"?>\n${featureXml(options, q, f, outputTransform(q.srs), ns)}\n`;
}

/** GeoJSON shaper: the query's properties, geometry in its srsName. */
export function jsonShaper(q: PlannedQuery) {
  const transform = outputTransform(q.srs);
  return (f: Feature): GeoJsonFeature => ({
    type: 'Feature', id: f.id,
    geometry: (q.geometry && f.geometry ? transform(f.geometry) : null) as GeoJsonFeature['geometry'],
    properties: Object.fromEntries(q.properties.map((name) => [name, f.properties[name] ?? null])),
  });
}

export async function writeJsonCollection(res: Response, q: PlannedQuery, features: AsyncIterable<Feature>, info: CollectionInfo): Promise<Buffer | undefined> {
  const links: Link[] = [];
  if (info.next) links.push({ href: info.next, rel: 'next', type: 'application/json' });
  if (info.previous) links.push({ href: info.previous, rel: 'previous', type: 'application/json' });
  const numbers = new Set(q.collection.definition.properties.filter((p) => p.type === 'number').map((p) => p.name));
  // Every property, CRS84: the provider writes each feature from its bytes (the OGC API's fast path).
  const whole = q.srs.crs.id === CRS84.id && q.geometry === (q.collection.definition.geometryType !== null) && q.properties.length === q.collection.definition.properties.length;
  return writeFeatureCollection(res, { features, finish: async () => ({ numberMatched: info.numberMatched, links }) }, whole ? plainShaper : jsonShaper(q), 'application/json', numbers);
}
