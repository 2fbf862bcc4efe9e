// Files as downloaded from Hub'Eau: JSON pages ({count, data:[…]}), GeoJSON (format=geojson) and
// CSV (';', header row, UTF-8 with or without BOM). The endpoint is recognised from the fields.
import { createReadStream, openSync, readFileSync, readSync, closeSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse';
import { detectEndpoint, type Endpoint } from './endpoints.js';
import { IngestError } from './errors.js';
import { coerce, type RawRecord } from './records.js';

export type FileFormat = 'json' | 'geojson' | 'csv';

export interface RecordSource {
  /** File path (or spool path) named in messages. */
  label: string;
  endpoint: Endpoint;
  records(): AsyncIterable<RawRecord>;
}

const HEAD_BYTES = 256 * 1024;
/** Past this a JSON text cannot be held as one string: such exports must come as CSV or pages. */
const MAX_JSON_BYTES = 500 * 1024 * 1024;

function head(path: string): string {
  let fd: number;
  try { fd = openSync(path, 'r'); } catch (error) { throw new IngestError(`${path} : fichier illisible (${(error as Error).message})`, { cause: error }); }
  try {
    const buffer = Buffer.alloc(HEAD_BYTES);
    const n = readSync(fd, buffer, 0, HEAD_BYTES, 0);
    return buffer.subarray(0, n).toString('utf8').replace(/^\uFEFF/, '');
  } finally {
    closeSync(fd);
  }
}

/** Directories stand for the .json, .geojson and .csv files they hold. */
export function expandPaths(paths: string[]): string[] {
  return paths.flatMap((p) => {
    let info;
    try { info = statSync(p); } catch { throw new IngestError(`${p} : fichier introuvable`); }
    if (!info.isDirectory()) return [p];
    return readdirSync(p).filter((f) => /\.(geo)?json$|\.csv$/i.test(f)).sort().map((f) => join(p, f));
  });
}

/** Format from the content (downloads are not always named after it), endpoint from the fields. */
export function openFileSource(path: string): RecordSource {
  const text = head(path);
  if (text.trim() === '') throw new IngestError(`${path} : fichier vide`);
  const first = text.trimStart()[0];
  let format: FileFormat;
  let fields: string[];
  if (first === '{' || first === '[') {
    format = /"type"\s*:\s*"FeatureCollection"/.test(text) ? 'geojson' : 'json';
    fields = [...text.matchAll(/"([A-Za-z_][A-Za-z0-9_]*)"\s*:/g)].map((m) => m[1]);
  } else {
    format = 'csv';
    fields = text.split(/\r?\n/, 1)[0].split(';').map((f) => f.trim().replace(/^"|"$/g, ''));
  }
  const endpoint = detectEndpoint(fields);
  if (!endpoint) {
    throw new IngestError(`${path} : impossible de reconnaître le point d'accès Hub'Eau d'origine (champs lus : ${[...new Set(fields)].slice(0, 12).join(', ')}…)`);
  }
  const records = format === 'csv' ? () => csvRecords(path, endpoint) : () => jsonRecords(path, format);
  return { label: path, endpoint, records };
}

async function* jsonRecords(path: string, format: FileFormat): AsyncGenerator<RawRecord> {
  if (statSync(path).size > MAX_JSON_BYTES) throw new IngestError(`${path} : JSON trop gros pour être lu d'un bloc ; découpez-le en pages ou passez par le CSV`);
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(path, 'utf8').replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new IngestError(`${path} : JSON illisible, fichier tronqué ? (${(error as Error).message})`, { cause: error });
  }
  if (format === 'geojson') {
    const features = (doc as { features?: unknown }).features;
    if (!Array.isArray(features)) throw new IngestError(`${path} : GeoJSON sans tableau « features »`);
    for (let i = 0; i < features.length; i++) {
      const f = features[i] as { properties?: Record<string, unknown>; geometry?: { type?: string; coordinates?: unknown } | null };
      const properties = { ...(f?.properties ?? {}) };
      // Hub'Eau repeats the position in the properties; fill it from the geometry when absent.
      const c = f?.geometry?.type === 'Point' ? (f.geometry.coordinates as number[]) : null;
      if (c && properties.longitude === undefined) properties.longitude = c[0];
      if (c && properties.latitude === undefined) properties.latitude = c[1];
      yield { properties, ref: { source: path, index: i } };
    }
    return;
  }
  const data = Array.isArray(doc) ? doc : (doc as { data?: unknown })?.data;
  if (!Array.isArray(data)) throw new IngestError(`${path} : ni tableau « data » ni liste d'enregistrements`);
  for (let i = 0; i < data.length; i++) {
    const value = data[i];
    const properties = value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : { __invalid: value };
    yield { properties, ref: { source: path, index: i } };
  }
}

async function* csvRecords(path: string, endpoint: Endpoint): AsyncGenerator<RawRecord> {
  const parser = createReadStream(path).pipe(parse({ delimiter: ';', bom: true, relax_column_count: true, info: true, skip_empty_lines: true }));
  let header: string[] | null = null;
  let lastLine = 1;
  const props = new Map(endpoint.definition.properties.map((p) => [p.name, p]));
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      lastLine = info.lines;
      if (!header) { header = record.map((h) => h.trim()); continue; }
      const properties: Record<string, unknown> = {};
      header.forEach((name, i) => {
        if (i >= record.length) return;
        const p = props.get(name);
        properties[name] = p ? coerce(p, record[i]) : record[i];
      });
      if (record.length !== header.length) properties.__columns = `${record.length} colonnes au lieu de ${header.length}`;
      yield { properties, ref: { source: path, line: info.lines } };
    }
  } catch (error) {
    const code = (error as { code?: string }).code;
    // A file cut inside a quoted value: what came before is kept, the cut record is rejected.
    if (code === 'CSV_QUOTE_NOT_CLOSED') {
      yield { properties: { __columns: 'enregistrement tronqué (guillemet non fermé en fin de fichier)' }, ref: { source: path, line: lastLine + 1 } };
      return;
    }
    throw new IngestError(`${path} : CSV illisible près de la ligne ${lastLine + 1} (${(error as Error).message})`, { cause: error });
  }
  if (!header) throw new IngestError(`${path} : CSV sans ligne d'en-tête`);
}
