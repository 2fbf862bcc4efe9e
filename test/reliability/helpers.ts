// Fixtures of the fault tests: two small collections (one to break, one that must keep serving),
// a logger whose lines the tests read, corruptions made by code.
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino, type Logger } from 'pino';
import { buildCollections } from '../../collections/build.js';
import { FileRangeSource } from '../../server/providers/range-client.js';
import { readLayout } from '../../server/providers/flatgeobuf/format.js';
import type { CollectionDefinition } from '../../server/types.js';
import { fixtureDefinition, fixtureRecords } from '../fixtures.js';

export const broken = fixtureDefinition; // sites.fgb: the one the tests damage
export const healthy: CollectionDefinition = { ...fixtureDefinition, id: 'autres', title: 'Autres sites', source: 'autres.fgb' };
export const DEFINITIONS = [broken, healthy];

const templates = new Map<number, string>();
/**
 * A fresh copy of a two-collection data directory; `copies` × 30 features in sites.fgb (more than
 * the 64 KiB cache block from about 20 copies, so that reads reach the disk), 30 in autres.fgb.
 */
export async function dataDir(copies = 1): Promise<string> {
  let template = templates.get(copies);
  if (!template) {
    template = mkdtempSync(join(tmpdir(), 'faults-template-'));
    const records = fixtureRecords().map(({ lon, lat, ...properties }) => ({ properties, lon, lat }));
    const many = Array.from({ length: copies }, (_, k) => records.map((r) => ({ ...r, properties: { ...r.properties, code: k === 0 ? r.properties.code : `${r.properties.code}-${k}` } }))).flat();
    await buildCollections(template, [{ definition: broken, records: many }, { definition: healthy, records }]);
    templates.set(copies, template);
  }
  const dir = mkdtempSync(join(tmpdir(), 'faults-'));
  cpSync(template, dir, { recursive: true });
  return dir;
}

export interface Sections { headerEnd: number; indexEnd: number; size: number }
export async function sections(file: string): Promise<Sections> {
  const source = await FileRangeSource.open(file);
  try {
    const layout = await readLayout(source);
    return { headerEnd: layout.indexOffset, indexEnd: layout.featuresOffset, size: source.size };
  } finally {
    await source.close();
  }
}

export function truncate(file: string, length: number): void {
  writeFileSync(file, readFileSync(file).subarray(0, length));
}

/** Overwrites `length` bytes at `at` with a fixed pseudo-random pattern. */
export function garble(file: string, at: number, length: number): void {
  const bytes = readFileSync(file);
  for (let i = 0; i < length && at + i < bytes.length; i++) bytes[at + i] = (i * 151 + 89) & 0xff;
  writeFileSync(file, bytes);
}

/** A pino logger writing into an array the test reads. */
export function capturedLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const stream = new Writable({ write(chunk, _enc, done) { lines.push(String(chunk)); done(); } });
  return { logger: pino({ level: 'info' }, stream), lines };
}
