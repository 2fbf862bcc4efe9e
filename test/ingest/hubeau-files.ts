// Writes records as Hub'Eau downloads them: JSON pages ({count, …, data}), GeoJSON and CSV
// (';', header row, optional BOM). Used by the ingest tests and the ingest benchmark.
import { closeSync, openSync, writeFileSync, writeSync } from 'node:fs';

type Row = Record<string, unknown>;

function csvValue(v: unknown): string {
  if (v === null || v === undefined) return '';
  const text = Array.isArray(v) ? v.join(',') : String(v);
  return /[;"\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function csvText(rows: Row[], options: { bom?: boolean; fields?: string[] } = {}): string {
  const fields = options.fields ?? Object.keys(rows[0] ?? {});
  const lines = [fields.join(';'), ...rows.map((r) => fields.map((f) => csvValue(r[f])).join(';'))];
  return `${options.bom ? '\uFEFF' : ''}${lines.join('\r\n')}\r\n`;
}

/** Streams a large CSV without building it in memory. */
export function writeCsv(path: string, rows: Iterable<Row>, options: { bom?: boolean; fields: string[] }): number {
  const fd = openSync(path, 'w');
  let n = 0;
  let chunk: string[] = [`${options.bom ? '\uFEFF' : ''}${options.fields.join(';')}`];
  try {
    for (const r of rows) {
      chunk.push(options.fields.map((f) => csvValue(r[f])).join(';'));
      n++;
      if (chunk.length >= 5000) { writeSync(fd, `${chunk.join('\r\n')}\r\n`); chunk = []; }
    }
    if (chunk.length) writeSync(fd, `${chunk.join('\r\n')}\r\n`);
  } finally {
    closeSync(fd);
  }
  return n;
}

export function jsonPage(rows: Row[], count = rows.length): string {
  return JSON.stringify({ count, first: null, last: null, prev: null, next: null, api_version: '1.0.0', data: rows });
}

/** JSON pages of `size` records: `${prefix}-<n>.json`; returns the paths. */
export function writeJsonPages(prefix: string, rows: Row[], size = 20_000): string[] {
  const paths: string[] = [];
  for (let i = 0; i * size < rows.length || i === 0; i++) {
    const path = `${prefix}-${i + 1}.json`;
    writeFileSync(path, jsonPage(rows.slice(i * size, (i + 1) * size), rows.length));
    paths.push(path);
  }
  return paths;
}

export function geojsonText(rows: Row[]): string {
  return JSON.stringify({
    type: 'FeatureCollection',
    features: rows.map((r) => ({
      type: 'Feature',
      geometry: typeof r.longitude === 'number' ? { type: 'Point', coordinates: [r.longitude, r.latitude] } : null,
      properties: r,
    })),
  });
}
