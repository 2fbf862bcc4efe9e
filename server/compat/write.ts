// Writers of a compat page: a JSON envelope around records (or GeoJSON features), and CSV.
// The page is at most `size` features, already read: the status (206 while more pages follow)
// and the counts are known before the first byte.
import type { Response } from 'express';
import { csvCell, CSV_CONTENT_TYPE } from '../formats/csv.js';
import { numberProperties } from '../formats/export.js';
import { featureJson, propertiesJson } from '../formats/geojson.js';
import { BufferedWriter } from '../formats/stream.js';
import type { CollectionDefinition, Feature } from '../types.js';

export interface PageToWrite {
  features: Feature[];
  fields: string[];
  definition: CollectionDefinition;
  /** The fields are the collection's properties, all and in order: records can be its properties' JSON as stored. */
  allProperties: boolean;
}

const PROPERTIES = '"properties":';

/** The properties object of a provider's GeoJSON text (written type, id, geometry, properties: the first such key). */
function storedProperties(feature: Feature): string | undefined {
  const text = feature.json?.();
  if (!text) return undefined;
  const at = text.indexOf(PROPERTIES);
  const json = at < 0 ? undefined : text.slice(at + PROPERTIES.length, -1);
  return json && json.startsWith('{') && json.endsWith('}') ? json : undefined;
}

function record(feature: Feature, fields: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name of fields) out[name] = feature.properties[name] ?? null;
  return out;
}

const members = (object: Record<string, unknown>) => Object.entries(object).map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(',');

export async function writeJsonPage(res: Response, status: number, page: PageToWrite,
  envelope: { before: Record<string, unknown>; list: string; after?: Record<string, unknown> }, format: 'json' | 'geojson'): Promise<Buffer | undefined> {
  res.status(status).type('application/json; charset=utf-8');
  const out = new BufferedWriter(res, 2 * 1024 * 1024);
  const before = members(envelope.before);
  await out.push(`{${before}${before ? ',' : ''}${JSON.stringify(envelope.list)}:[`);
  const numbers = numberProperties(page.definition);
  let first = true;
  for (const f of page.features) {
    // Straight from the stored bytes when nothing is selected: no decoding (as OGC API pages).
    const stored = format === 'json' && page.allProperties ? storedProperties(f) : undefined;
    await out.push((first ? '' : ',') + (stored ?? (format === 'geojson'
      ? featureJson({ type: 'Feature', geometry: f.geometry as never, properties: record(f, page.fields) }, numbers)
      : propertiesJson(record(f, page.fields), numbers))));
    first = false;
  }
  const after = envelope.after ? members(envelope.after) : '';
  await out.push(`]${after ? `,${after}` : ''}}`);
  return out.end();
}

/** As the CSV export (server/formats/csv.ts): `;`, a header row, UTF-8 without BOM. */
/** Both writers return the body when it went out whole (under 2 MB), for the page cache. */
export async function writeCsvPage(res: Response, status: number, page: PageToWrite): Promise<Buffer | undefined> {
  res.status(status).set('Content-Type', CSV_CONTENT_TYPE);
  const out = new BufferedWriter(res, 2 * 1024 * 1024);
  await out.push(page.fields.map(csvCell).join(';') + '\n');
  for (const f of page.features) {
    let line = '';
    for (let i = 0; i < page.fields.length; i++) line += (i ? ';' : '') + csvCell(f.properties[page.fields[i]]);
    await out.push(line + '\n');
  }
  return out.end();
}
