// Shared by the WFS tests: an app over the fixture with the WFS part, XML parsing helpers.
import assert from 'node:assert/strict';
import type { Express } from 'express';
import request from 'supertest';
import { createApp, defaultParts } from '../../server/app.js';
import type { Catalog } from '../../server/catalog.js';
import { wfsPart, type WfsOptions } from '../../server/wfs/index.js';
import { parseXml, type XmlElement } from '../../server/wfs/xml.js';

export const OPTIONS: WfsOptions = {
  prefix: 'test', namespace: 'https://example.org/test',
  title: { fr: 'Service de test', en: 'Test service' }, abstract: { fr: 'Résumé', en: 'Abstract' }, countDefault: 1000,
};

export function wfsApp(catalog: () => Catalog, before?: Parameters<typeof createApp>[0]['before']): Express {
  return createApp({ info: { title: 'Test', description: 'WFS' }, catalog, parts: [...defaultParts(), wfsPart(OPTIONS)], before });
}

export const KVP = '/wfs?SERVICE=WFS&VERSION=2.0.0';

export async function getXml(app: Express, query: string, status = 200): Promise<{ text: string; root: XmlElement; type: string }> {
  const res = await request(app).get(`${KVP}&${query}`).buffer(true).parse((r, cb) => { let s = ''; r.on('data', (d: Buffer) => { s += d; }); r.on('end', () => cb(null, s)); });
  assert.equal(res.status, status, String(res.body).slice(0, 600));
  return { text: res.body as string, root: parseXml(res.body as string), type: res.headers['content-type'] };
}

export function all(el: XmlElement, name: string): XmlElement[] {
  const out: XmlElement[] = [];
  const walk = (e: XmlElement) => { if (e.name === name) out.push(e); e.children.forEach(walk); };
  walk(el);
  return out;
}

export function first(el: XmlElement, name: string): XmlElement {
  const found = all(el, name)[0];
  assert.ok(found, `élément ${name} absent`);
  return found;
}

/** The ids of the features of a FeatureCollection (gml:id minus the type prefix). */
export function featureIds(root: XmlElement): string[] {
  return root.children.filter((c) => c.name === 'member').map((m) => m.children[0].attrs.id.replace(/^[^.]+\./, ''));
}

export function exceptionOf(root: XmlElement): { code: string; locator?: string; text: string } {
  assert.equal(root.name, 'ExceptionReport');
  const e = first(root, 'Exception');
  return { code: e.attrs.exceptionCode, locator: e.attrs.locator, text: first(e, 'ExceptionText').text };
}
