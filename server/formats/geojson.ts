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

export async function writeFeatureCollection(res: Response, page: CollectionPage, shape: FeatureShaper, mediaType = 'application/geo+json'): Promise<void> {
  res.status(200).type(mediaType);
  const out = new BufferedWriter(res);
  await out.push('{"type":"FeatureCollection","features":[');
  let n = 0;
  for await (const feature of page.features) {
    await out.push((n++ === 0 ? '' : ',') + JSON.stringify(shape(feature)));
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

export function featureDocument(feature: Feature, shape: FeatureShaper, links: Link[]): object {
  return { ...shape(feature), links };
}
