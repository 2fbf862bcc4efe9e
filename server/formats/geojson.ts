// GeoJSON FeatureCollection writer: features stream out as they are read; the counts, only known
// at the end when a filter forces a full pass, are written after the features array.
import type { Response } from 'express';
import type { Feature as GeoJsonFeature } from 'geojson';
import type { BufferedIterator, Feature } from '../types.js';
import { JsonResponseWriter, writesJsonBytes } from './json-bytes.js';

export interface Link { href: string; rel: string; type?: string; title?: string; hreflang?: string; templated?: boolean }

export type FeatureShaper = (feature: Feature) => GeoJsonFeature;

export const plainShaper: FeatureShaper = (f) => ({ type: 'Feature', id: f.id, geometry: f.geometry as any, properties: f.properties as any });

export interface CollectionPage {
  features: AsyncIterable<Feature>;
  /** Called after the features are written. */
  finish: (numberReturned: number) => Promise<{ numberMatched?: number; links: Link[] }>;
}

// eslint-disable-next-line no-control-regex -- control characters are exactly what JSON must escape
const NEEDS_ESCAPE = /["\\\u0000-\u001f\u2028\u2029\ud800-\udfff]/;

function stringValue(value: string): string {
  return NEEDS_ESCAPE.test(value) ? JSON.stringify(value) : `"${value}"`;
}

/**
 * JSON of a feature. Properties declared as numbers keep a decimal point (1194388.0): the same JSON
 * number, but clients that infer field types from a first page (GDAL, QGIS) then choose a real
 * field instead of a 32-bit integer that later values overflow. Hand-rolled because it runs per
 * feature: plain strings skip JSON.stringify's escaping pass.
 */
export function featureJson(feature: GeoJsonFeature, numberProperties?: Set<string>): string {
  const properties = feature.properties;
  const id = feature.id === undefined ? '' : `"id":${typeof feature.id === 'number' ? feature.id : stringValue(feature.id)},`;
  const extra = Object.keys(feature).length > 4 ? extraMembers(feature) : '';
  return `{"type":"Feature",${id}"geometry":${JSON.stringify(feature.geometry ?? null)},"properties":${properties ? propertiesJson(properties, numberProperties) : 'null'}${extra}}`;
}

/** A properties object as featureJson writes it (numbers declared as such keep a decimal point). */
export function propertiesJson(properties: Record<string, unknown>, numberProperties?: Set<string>): string {
  let props = '';
  for (const key in properties) {
    const value = properties[key];
    let text: string;
    switch (typeof value) {
      case 'string': text = stringValue(value); break;
      case 'number':
        text = !Number.isFinite(value) ? 'null'
          : numberProperties?.has(key) && Number.isInteger(value) && Math.abs(value) < 1e21 ? `${value}.0` : String(value);
        break;
      case 'boolean': text = value ? 'true' : 'false'; break;
      default: text = value === null || value === undefined ? 'null' : JSON.stringify(value);
    }
    props += `${props ? ',' : ''}${stringValue(key)}:${text}`;
  }
  return `{${props}}`;
}

function extraMembers(feature: GeoJsonFeature): string {
  const { type: _t, id: _i, geometry: _g, properties: _p, ...rest } = feature as GeoJsonFeature & Record<string, unknown>;
  const json = JSON.stringify(rest);
  return json === '{}' ? '' : `,${json.slice(1, -1)}`;
}

/** Returns the body when it was sent whole (small enough not to stream), e.g. for a cache. */
export async function writeFeatureCollection(res: Response, page: CollectionPage, shape: FeatureShaper, mediaType = 'application/geo+json', numberProperties?: Set<string>): Promise<Buffer | undefined> {
  res.status(200).type(mediaType);
  // Pages up to 2 MB (limit=1000 of most collections) are sent whole; longer ones stream.
  const out = new JsonResponseWriter(res, 2 * 1024 * 1024);
  out.ascii('{"type":"FeatureCollection","features":[');
  const plain = shape === plainShaper;
  let n = 0;
  const write = (feature: Feature) => {
    if (n++ > 0) out.ascii(',');
    // Unshaped features the provider can write from its bytes skip decoding and re-encoding.
    if (!(plain && writesJsonBytes(feature) && feature.writeJson(out))) {
      const fast = plain && feature.json ? feature.json() : undefined;
      out.text(fast ?? featureJson(shape(feature), numberProperties));
    }
  };
  // One await per batch where the provider hands its batches out (BufferedIterator), else per feature.
  const iterator: BufferedIterator<Feature> = page.features[Symbol.asyncIterator]();
  let finished = false;
  try {
    for (let step = await iterator.next(); !step.done; step = await iterator.next()) {
      write(step.value);
      const rest = iterator.buffered?.();
      if (rest) for (const feature of rest) { write(feature); if (out.full) await out.flush(); }
      if (out.full) await out.flush();
    }
    finished = true;
  } finally {
    // As for-await does: a loop left by an error closes the source.
    if (!finished) await iterator.return?.();
  }
  const { numberMatched, links } = await page.finish(n);
  const tail: Record<string, unknown> = {};
  if (numberMatched !== undefined) tail.numberMatched = numberMatched;
  tail.numberReturned = n;
  tail.timeStamp = new Date().toISOString();
  tail.links = links;
  out.text('],' + JSON.stringify(tail).slice(1));
  return out.end();
}

export function featureDocumentJson(feature: Feature, shape: FeatureShaper, links: Link[], numberProperties?: Set<string>): string {
  const json = featureJson(shape(feature), numberProperties);
  return `${json.slice(0, -1)},"links":${JSON.stringify(links)}}`;
}
