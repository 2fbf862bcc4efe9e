// GeoJSON text sequences (RFC 8142): each feature is RS (0x1E), its JSON text, then LF. A reader
// can start on any feature and skip a truncated one; nothing closes the sequence.
import type { Response } from 'express';
import type { ServedCollection } from '../catalog.js';
import type { Feature } from '../types.js';
import { numberProperties } from './export.js';
import { featureJson, plainShaper, type FeatureShaper } from './geojson.js';
import { BufferedWriter } from './stream.js';

export const GEOJSON_SEQ_MEDIA_TYPE = 'application/geo+json-seq';

const RS = '\x1e';

export async function writeGeoJsonSeq(res: Response, features: AsyncIterable<Feature>, shape: FeatureShaper, collection: ServedCollection): Promise<void> {
  res.status(200).setHeader('Content-Type', GEOJSON_SEQ_MEDIA_TYPE);
  const out = new BufferedWriter(res);
  const numbers = numberProperties(collection.definition);
  // Unshaped features the provider can write from its bytes skip decoding (as in GeoJSON pages).
  const fast = shape === plainShaper;
  for await (const feature of features) {
    if (res.destroyed) break; // the client went away: stop reading
    const json = (fast && feature.json ? feature.json() : undefined) ?? featureJson(shape(feature), numbers);
    await out.push(`${RS}${json}\n`);
  }
  await out.flush();
  res.end();
}
