// GeoJSON FeatureCollection writer: features stream out as they are read; the counts, only known
// at the end when a filter forces a full pass, are written after the features array.
import type { Response } from 'express';
import type { Feature as GeoJsonFeature } from 'geojson';
import type { Feature } from '../types.js';
import { BufferedWriter } from './stream.js';

export interface Link { href: string; rel: string; type?: string; title?: string; hreflang?: string; templated?: boolean }

export type FeatureShaper = (feature: Feature) => GeoJsonFeature;

export const plainShaper: FeatureShaper = (f) => ({ type: 'Feature', id: f.id, geometry: f.geometry as any, properties: f.properties as any });

export interface CollectionPage {
  features: AsyncIterable<Feature>;
  /** Called after the features are written. */
  finish: (numberReturned: number) => Promise<{ numberMatched?: number; links: Link[] }>;
}

/**
 * JSON of a feature where properties declared as numbers keep a decimal point (1194388.0):
 * the same JSON number, but clients that infer field types from a first page (GDAL, QGIS)
 * then choose a real field instead of a 32-bit integer that later values overflow.
 */
export function featureJson(feature: GeoJsonFeature, numberProperties?: Set<string>): string {
  if (!numberProperties || numberProperties.size === 0 || !feature.properties) return JSON.stringify(feature);
  const parts: string[] = [];
  for (const [key, value] of Object.entries(feature.properties)) {
    let text: string;
    if (typeof value === 'number' && numberProperties.has(key)) text = !Number.isFinite(value) ? 'null' : Number.isInteger(value) && Math.abs(value) < 1e21 ? `${value}.0` : String(value);
    else text = JSON.stringify(value ?? null);
    parts.push(`${JSON.stringify(key)}:${text}`);
  }
  const { properties: _p, ...rest } = feature;
  const head = JSON.stringify(rest);
  return `${head.slice(0, -1)}${head.length > 2 ? ',' : ''}"properties":{${parts.join(',')}}}`;
}

export async function writeFeatureCollection(res: Response, page: CollectionPage, shape: FeatureShaper, mediaType = 'application/geo+json', numberProperties?: Set<string>): Promise<void> {
  res.status(200).type(mediaType);
  const out = new BufferedWriter(res);
  await out.push('{"type":"FeatureCollection","features":[');
  let n = 0;
  for await (const feature of page.features) {
    await out.push((n++ === 0 ? '' : ',') + featureJson(shape(feature), numberProperties));
  }
  const { numberMatched, links } = await page.finish(n);
  const tail: Record<string, unknown> = {};
  if (numberMatched !== undefined) tail.numberMatched = numberMatched;
  tail.numberReturned = n;
  tail.timeStamp = new Date().toISOString();
  tail.links = links;
  await out.push('],' + JSON.stringify(tail).slice(1));
  await out.flush();
  res.end();
}

export function featureDocumentJson(feature: Feature, shape: FeatureShaper, links: Link[], numberProperties?: Set<string>): string {
  const json = featureJson(shape(feature), numberProperties);
  return `${json.slice(0, -1)},"links":${JSON.stringify(links)}}`;
}
