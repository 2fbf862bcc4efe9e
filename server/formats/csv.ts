// CSV as Hub'Eau writes it: `;` separator, a header row of field names, UTF-8 without BOM,
// arrays joined by `,`, quotes only around values holding `;`, `"` or a line break.
import type { Response } from 'express';
import type { ServedCollection } from '../catalog.js';
import type { Feature } from '../types.js';
import { exportFeatures, exportProperties } from './export.js';
import type { FeatureShaper } from './geojson.js';
import { BufferedWriter } from './stream.js';

export const CSV_MEDIA_TYPE = 'text/csv';
export const CSV_CONTENT_TYPE = 'text/csv; charset=utf-8';

const SEPARATOR = ';';
const NEEDS_QUOTES = /[;"\r\n]/;

function quote(text: string): string {
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function item(value: unknown): string {
  if (value === null || value === undefined) return '';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/** One cell: numbers as written by JavaScript (1194388, 0.25), true/false, null as empty. */
export function csvCell(value: unknown): string {
  switch (typeof value) {
    case 'string': return quote(value);
    case 'number': return Number.isFinite(value) ? String(value) : '';
    case 'boolean': return value ? 'true' : 'false';
    case 'bigint': return String(value);
    case 'undefined': return '';
    default:
      if (value === null) return '';
      return quote(Array.isArray(value) ? value.map(item).join(',') : JSON.stringify(value));
  }
}

/** Hub'Eau records carry longitude/latitude; collections without them get them from the geometry. */
function needsPosition(collection: ServedCollection): boolean {
  const { definition } = collection;
  return definition.geometryType !== null && !definition.properties.some((p) => p.name === 'longitude' || p.name === 'latitude');
}

export async function writeCsv(res: Response, features: AsyncIterable<Feature>, shape: FeatureShaper, collection: ServedCollection): Promise<void> {
  res.status(200).setHeader('Content-Type', CSV_CONTENT_TYPE);
  const out = new BufferedWriter(res);
  const position = needsPosition(collection);
  let names: string[] = [];
  await exportFeatures(res, features, shape, async (first) => {
    names = exportProperties(collection.definition, first).map((p) => p.name);
    await out.push([...names, ...(position ? ['longitude', 'latitude'] : [])].map(quote).join(SEPARATOR) + '\n');
  }, async (shaped, raw) => {
    const properties = shaped.properties ?? {};
    let line = '';
    for (let i = 0; i < names.length; i++) line += (i ? SEPARATOR : '') + csvCell(properties[names[i]]);
    if (position) {
      // From the stored geometry (CRS84), whatever `crs` the response asks for.
      const point = raw.geometry?.type === 'Point' ? raw.geometry.coordinates : null;
      line += `${names.length ? SEPARATOR : ''}${point ? `${csvCell(point[0])}${SEPARATOR}${csvCell(point[1])}` : SEPARATOR}`;
    }
    await out.push(line + '\n');
  });
  await out.flush();
  res.end();
}
