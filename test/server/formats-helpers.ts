// Helpers of formats.test.ts: binary bodies, a listening app, and the large-export memory probe.
import { get, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Express } from 'express';
import { createApp, defaultParts } from '../../server/app.js';
import { openCatalog } from '../../server/catalog.js';
import { columnSpecs } from '../../server/formats/flatgeobuf.js';
import { FlatGeobufWriter } from '../../server/providers/flatgeobuf/writer.js';
import { formatsPart } from '../../server/routes/formats.js';
import type { CollectionDefinition, PropertyDefinition } from '../../server/types.js';

/** supertest parser keeping the body as a Buffer. */
// `any`: supertest types the parser's response as its own Response, which is an IncomingMessage at run time.
export function binary(res: any, callback: (error: Error | null, body: any) => void): void {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => callback(null, Buffer.concat(chunks)));
}

export function listen(app: Express): Promise<{ server: Server; base: string }> {
  return new Promise((resolve) => {
    const server = app.listen(0, '127.0.0.1', () => resolve({ server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }));
  });
}

/** Counts size-prefixed FlatGeobuf features in a stream (after the magic bytes and the header). */
class FgbCounter {
  features = 0;
  private skip = 8;
  private left = Buffer.alloc(0);
  private headerSeen = false;
  feed(chunk: Buffer): void {
    const data = this.left.length ? Buffer.concat([this.left, chunk]) : chunk;
    this.left = Buffer.alloc(0);
    let o = 0;
    for (;;) {
      const s = Math.min(this.skip, data.length - o);
      o += s;
      this.skip -= s;
      if (this.skip > 0) return;
      if (data.length - o < 4) { this.left = Buffer.from(data.subarray(o)); return; }
      this.skip = data.readUInt32LE(o);
      o += 4;
      if (this.headerSeen) this.features++;
      else this.headerSeen = true;
    }
  }
  get complete(): boolean { return this.skip === 0 && this.left.length === 0; }
}

const TEXT_COLUMNS = 14;
const FILLER = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_';

export const largeDefinition: CollectionDefinition = {
  id: 'large', title: 'Grande collection', description: 'Export de plusieurs centaines de Mo', source: 'large.fgb',
  idProperties: ['code'], geometryType: 'Point',
  properties: [
    { name: 'code', type: 'string', title: 'Code' },
    ...Array.from({ length: TEXT_COLUMNS }, (_, k): PropertyDefinition => ({ name: `texte_${k}`, type: 'string', title: `Texte ${k}` })),
    { name: 'annee', type: 'integer', title: 'Année' },
    { name: 'volume', type: 'number', title: 'Volume' },
  ],
};

/** ~1 KB per feature, so that `count` features make an export of several hundred MB. */
export function writeLargeFixture(dir: string, count: number): void {
  const writer = new FlatGeobufWriter(join(dir, largeDefinition.source), { name: 'large', geometryType: 'Point', columns: columnSpecs(largeDefinition.properties) });
  for (let i = 0; i < count; i++) {
    const properties: Record<string, unknown> = { code: `L${i}`, annee: 2000 + (i % 25), volume: i * 1.5 };
    for (let k = 0; k < TEXT_COLUMNS; k++) properties[`texte_${k}`] = `${k}:${i.toString(36)}:${FILLER}`;
    writer.add(properties, { type: 'Point', coordinates: [-5 + (i % 1000) / 100, 42 + Math.floor(i / 1000) / 40] });
  }
  writer.finish();
}

export interface ExportMeasure { format: string; features: number; bytes: number; growth: number; seconds: number }

/** Downloads a whole export, discarding it, while sampling the RSS of this process (server and client). */
export function download(url: string, format: string): Promise<ExportMeasure> {
  return new Promise((resolve, reject) => {
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    const timer = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 20);
    const started = performance.now();
    get(url, (res) => {
      if (res.statusCode !== 200) { clearInterval(timer); reject(new Error(`HTTP ${res.statusCode}`)); return; }
      const fgb = new FgbCounter();
      let bytes = 0;
      let lines = 0;
      res.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        if (format === 'fgb') fgb.feed(chunk);
        else for (let at = chunk.indexOf(10); at !== -1; at = chunk.indexOf(10, at + 1)) lines++;
      });
      res.on('end', () => {
        clearInterval(timer);
        peak = Math.max(peak, process.memoryUsage().rss);
        if (format === 'fgb' && !fgb.complete) { reject(new Error('truncated FlatGeobuf stream')); return; }
        const features = format === 'fgb' ? fgb.features : format === 'csv' ? lines - 1 : lines;
        resolve({ format, features, bytes, growth: peak - baseline, seconds: (performance.now() - started) / 1000 });
      });
      res.on('error', reject);
    }).on('error', (error) => { clearInterval(timer); reject(error); });
  });
}

/** Writes the large fixture, serves it on a real socket and downloads each format in turn. */
export async function memoryExport(dir: string, count: number, formats: string[]): Promise<ExportMeasure[]> {
  writeLargeFixture(dir, count);
  const catalog = await openCatalog(dir, [largeDefinition]);
  const { server, base } = await listen(createApp({ info: { title: 'T', description: 'Mémoire' }, catalog: () => catalog, parts: [...defaultParts(), formatsPart] }));
  try {
    const out: ExportMeasure[] = [];
    for (const format of formats) out.push(await download(`${base}/collections/large/items?f=${format}`, format));
    return out;
  } finally {
    server.close();
    await catalog.close();
  }
}
