// A small default dataset served with the domain's parts (OGC API + Hub'Eau-compatible API).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Express } from 'express';
import request from 'supertest';
import { buildDefaultDataset } from '../../collections/dataset.js';
import { collections } from '../../collections/definitions/index.js';
import type { HubeauOptions } from '../../collections/hubeau/mapping.js';
import { domainParts } from '../../collections/parts.js';
import { SERVICE_INFO } from '../../collections/service.js';
import { createApp } from '../../server/app.js';
import { openCatalog, type Catalog } from '../../server/catalog.js';

export const H = '/api/v1/prelevements';

let dir: string | undefined;
/** One scale-0.01 dataset per test process (≈ 1,300 ouvrages, 11,000 chroniques). */
export async function dataset(): Promise<string> {
  if (!dir) {
    const d = mkdtempSync(join(tmpdir(), 'hubeau-compat-'));
    await buildDefaultDataset(d, 0.01);
    dir = d;
  }
  return dir;
}

export async function openDomain(): Promise<Catalog> {
  return openCatalog(await dataset(), collections);
}

export function domainApp(catalog: Catalog, hubeau?: HubeauOptions): Express {
  return createApp({ info: SERVICE_INFO, catalog: () => catalog, parts: domainParts({ hubeau }), pageCacheBytes: 0 });
}

/** Path and query of an absolute link (supertest takes paths). */
export function pathOf(href: string): string {
  const u = new URL(href);
  return `${u.pathname}${u.search}`;
}

/** Every feature of an OGC API items query (its `next` links followed). */
export async function ogcAll(app: Express, path: string): Promise<{ properties: Record<string, unknown>; geometry: unknown }[]> {
  const out: { properties: Record<string, unknown>; geometry: unknown }[] = [];
  let next: string | undefined = path;
  while (next) {
    const res: request.Response = await request(app).get(next).expect(200);
    out.push(...res.body.features);
    const link: { href: string } | undefined = (res.body.links as { rel: string; href: string }[]).find((l) => l.rel === 'next');
    next = link ? pathOf(link.href) : undefined;
  }
  return out;
}

/** Walks a Hub'Eau query through its `next` links; statuses and rows of every page. */
export async function hubeauWalk(app: Express, path: string, list = 'data'): Promise<{ statuses: number[]; rows: Record<string, unknown>[]; counts: number[] }> {
  const statuses: number[] = [];
  const counts: number[] = [];
  const rows: Record<string, unknown>[] = [];
  let next: string | null = path;
  for (let guard = 0; next && guard < 10_000; guard++) {
    const res = await request(app).get(next);
    assert200or206(res.status, next, res.text);
    statuses.push(res.status);
    counts.push(res.body.count);
    rows.push(...res.body[list]);
    next = res.body.next ? pathOf(res.body.next) : null;
  }
  return { statuses, rows, counts };
}

function assert200or206(status: number, path: string, text: string): void {
  if (status !== 200 && status !== 206) throw new Error(`${path} → ${status}: ${text.slice(0, 300)}`);
}
