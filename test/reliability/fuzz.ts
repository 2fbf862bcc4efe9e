// A fuzzer driven by the OpenAPI document: every path and parameter /api declares, random and
// boundary values, odd encodings, huge values, repeated and unknown parameters, odd Accept and
// Accept-Language, anonymous and with each kind of credential. Deterministic for a seed.
import { Agent, request as httpRequest } from 'node:http';
import { Ajv } from 'ajv';

export function rng(seed: number): () => number {
  // mulberry32
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

export interface Answer { status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }

/** GET with a raw path (no normalisation) and a deadline: a hang is an error, not a wait. */
export function get(port: number, path: string, headers: Record<string, string>, agent: Agent, timeoutMs: number): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, headers, agent, method: 'GET' }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => { clearTimeout(timer); resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }); });
      res.on('error', (e) => { clearTimeout(timer); reject(e); });
    });
    const timer = setTimeout(() => { req.destroy(new Error(`no complete answer within ${timeoutMs} ms`)); }, timeoutMs);
    req.on('error', (e) => { clearTimeout(timer); reject(e); });
    req.end();
  });
}

/** Values that break parsers: boundaries, odd encodings (already percent-encoded), huge ones. */
const HOSTILE = [
  '', '0', '-1', '-0', '1e309', '-1e309', 'NaN', 'Infinity', '9007199254740993', '99999999999999999999', '0x10', '1.5', ' 1', '1 ',
  '%00', '%ff', '%C0%AF', '%E2%80%AE', '%F0%9F%92%A7', '%', '%%', '%zz', '+', '%2C%2C%2C', '..', '../..', '%2e%2e%2f', '%0d%0aX-Injected:%201',
  '%3Cscript%3Ealert(1)%3C%2Fscript%3E', '%22%3E%3Cimg%20src%3Dx%3E', "'", "''", '%27%20OR%201%3D1', 'null', 'true', 'TRUE', 'undefined', '[]', '{}',
  'a'.repeat(5000), '9'.repeat(400), '%C3%A9'.repeat(2000), '('.repeat(300), encodeURIComponent('NOT '.repeat(200) + 'TRUE'),
];

/** Values that mean something here, so the fuzzer also goes past validation into the data. */
const MEANINGFUL: Record<string, string[]> = {
  limit: ['1', '5', '10000', '10001', '0'], offset: ['0', '3', '100000', '99999999'],
  bbox: ['2.2,48.7,2.5,49.0', '-180,-90,180,90', '1,2,3', '10,10,0,0', '-5,40,10,52,0,100', '600000,6600000,700000,6900000'],
  'bbox-crs': ['http://www.opengis.net/def/crs/EPSG/0/2154', 'http://www.opengis.net/def/crs/OGC/1.3/CRS84', 'EPSG:2154', 'http://www.opengis.net/def/crs/EPSG/0/1'],
  crs: ['http://www.opengis.net/def/crs/EPSG/0/2154', 'http://www.opengis.net/def/crs/EPSG/0/4326', 'http://www.opengis.net/def/crs/EPSG/0/3857', 'bogus'],
  datetime: ['2020-01-01/..', '../2015-12-31', '2019', '2020-01-01T00:00:00Z', '2021-02-30', '../..', '2020/2019'],
  filter: ["annee >= 2015", "code_usage IN ('AEP','IRR')", 'S_INTERSECTS(geometry,BBOX(-5,40,10,52))', "nom_commune LIKE 'Saint%'", 'volume > 1000 AND NOT (annee = 2020)',
    "T_BEFORE(date_exploitation_debut, DATE('2011-09-22'))", 'date_exploitation_debut IS NULL', "CASEI(nom_commune) = casei('PARIS')", 'annee BETWEEN 2010 AND 2012', 'x = 1', 'annee = ',
    JSON.stringify({ op: '>', args: [{ property: 'annee' }, 2015] }), JSON.stringify({ op: 'in', args: [{ property: 'code_usage' }, ['AEP']] })],
  'filter-lang': ['cql2-text', 'cql2-json', 'sql'], 'filter-crs': ['http://www.opengis.net/def/crs/EPSG/0/2154', 'http://www.opengis.net/def/crs/OGC/1.3/CRS84'],
  sortby: ['annee', '-volume', '+code_ouvrage,-annee', 'nope', '--annee'], properties: ['annee,volume', 'nope', '', 'code_ouvrage'], skipGeometry: ['true', 'false', 'maybe'],
  f: ['json', 'html', 'csv', 'fgb', 'geojsonseq', 'tilejson', 'mapbox', 'xml'], collection: ['points_prelevement', 'ouvrages', 'chroniques', 'nope'],
  tileMatrixSetId: ['WebMercatorQuad', 'WorldCRS84Quad', 'Nope'], tileMatrix: ['0', '3', '6', '9', '12', '25', '-1'], tileRow: ['0', '1', '22', '180', '4096'], tileCol: ['0', '1', '32', '260', '4096'],
};

const ACCEPT = ['application/json', 'text/html', 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.8', '*/*', 'application/geo+json', 'text/csv', 'application/flatgeobuf',
  'application/geo+json-seq', 'application/schema+json', 'image/png', 'text/html;q=abc', ';;;', 'a'.repeat(3000), 'application/vnd.mapbox-vector-tile', ''];
const ACCEPT_LANGUAGE = ['en', 'fr-FR,fr;q=0.9', 'en;q=0, *', 'de', '*', 'en;q=abc', 'zz-'.repeat(500), ',,,', 'en-GB;q=1.5', ''];

export interface Caller { name: string; headers: Record<string, string>; query?: string }

export interface Operation { path: string; parameters: { name: string; in: string; schema?: Record<string, any> }[]; responses: Record<string, any> }

export function operations(doc: Record<string, any>): Operation[] {
  const resolve = (p: Record<string, any>) => (p.$ref ? doc.components.parameters[p.$ref.split('/').pop()] : p);
  return Object.entries<Record<string, any>>(doc.paths).map(([path, item]) => ({ path, parameters: (item.get.parameters ?? []).map(resolve), responses: item.get.responses }));
}

export interface Request { op: Operation; url: string; headers: Record<string, string>; caller: string }

/** One random request: path values, a few query parameters, headers, a caller. */
export function randomRequest(random: () => number, ops: Operation[], callers: Caller[], ids: Record<string, string[]>): Request {
  const pick = <T>(list: T[]): T => list[Math.floor(random() * list.length)];
  const op = pick(ops);
  const valueFor = (name: string, schema: Record<string, any> = {}): string => {
    const r = random();
    if (r < 0.25) return pick(HOSTILE).replace(/ /g, '%20');
    if (MEANINGFUL[name] && r < 0.8) return encodeURIComponent(pick(MEANINGFUL[name]));
    if (Array.isArray(schema.enum) && schema.enum.length) return encodeURIComponent(String(pick(schema.enum)));
    if (schema.type === 'integer') return String(pick([0, 1, 2008, 2020, -5, 2 ** 31, Math.floor(random() * 1e6)]));
    if (schema.type === 'number') return String(pick([0, 0.5, -1.25, 1e12, Math.random() * 1e6]));
    if (schema.type === 'boolean') return pick(['true', 'false', '1', 'oui']);
    if (schema.type === 'array') return encodeURIComponent(pick(['AEP', 'AEP,IRR', ',', 'a,b,c']));
    return encodeURIComponent(pick(['AEP', 'IRR', '01', '75056', 'Paris', 'é', 'x'.repeat(50)]));
  };
  let path = op.path.replace(/\{([^}]+)\}/g, (_, name: string) => {
    if (name === 'featureId') {
      const collection = /^\/collections\/([^/]+)/.exec(op.path)?.[1] ?? '';
      return random() < 0.6 && ids[collection]?.length ? encodeURIComponent(pick(ids[collection])) : valueFor(name);
    }
    return valueFor(name);
  });
  if (random() < 0.03) path += pick(['/', '//', '/..', '/%2e%2e', '/x']);
  const query: string[] = [];
  const queryParams = op.parameters.filter((p) => p.in === 'query');
  const n = Math.floor(random() * 4);
  for (let i = 0; i < n && queryParams.length; i++) {
    const p = pick(queryParams);
    query.push(`${p.name}=${valueFor(p.name, p.schema)}`);
    if (random() < 0.08) query.push(`${p.name}=${valueFor(p.name, p.schema)}`); // repeated parameter
  }
  if (random() < 0.05) query.push(`${pick(['colour', 'x', '%00', 'limit%00', 'LIMIT', '__proto__', 'constructor'])}=${pick(HOSTILE).replace(/ /g, '%20')}`);
  const caller = pick(callers);
  if (caller.query) query.push(caller.query);
  const headers: Record<string, string> = { ...caller.headers };
  if (random() < 0.6) headers.Accept = pick(ACCEPT);
  if (random() < 0.4) headers['Accept-Language'] = pick(ACCEPT_LANGUAGE);
  if (random() < 0.05) headers['If-None-Match'] = pick(['*', 'W/"x"', '"', 'a'.repeat(1000)]);
  if (random() < 0.03) headers['X-Forwarded-Host'] = 'evil"><script>';
  return { op, url: `${path}${query.length ? `?${query.join('&')}` : ''}`, headers, caller: caller.name };
}

/** Checks one answer against the declared responses: an OGC body for 4xx, the declared schema and type for 2xx. */
export class ResponseChecker {
  private ajv: Ajv;
  constructor(private doc: Record<string, any>) {
    this.ajv = new Ajv({ strict: false, allErrors: false, validateFormats: false });
    this.ajv.addSchema({ ...doc, $id: 'api' });
  }

  problems(op: Operation, answer: Answer): string[] {
    const type = String(answer.headers['content-type'] ?? '').split(';')[0].trim();
    if (answer.status >= 500) return [`status ${answer.status}: ${answer.body.toString('utf8', 0, 300)}`];
    if (answer.status >= 400) {
      try {
        const body = JSON.parse(answer.body.toString('utf8'));
        if (typeof body.code !== 'string' || typeof body.description !== 'string') return [`${answer.status} without {code, description}`];
      } catch { return [`${answer.status} with a body that is not JSON (${type})`]; }
      return type === 'application/json' ? [] : [`${answer.status} typed ${type}`];
    }
    if (answer.status !== 200) return [];
    const declared = op.responses['200']?.content as Record<string, { schema?: object }> | undefined;
    if (!declared || Object.keys(declared).length === 0) return [];
    const media = Object.keys(declared).find((m) => m.split(';')[0].trim() === type);
    if (!media) return [`200 typed ${type}, declared ${Object.keys(declared).join(', ')}`];
    if (!declared[media].schema || !/json/.test(type)) return [];
    const pointer = `api#/paths/${op.path.replace(/~/g, '~0').replace(/\//g, '~1')}/get/responses/200/content/${media.replace(/~/g, '~0').replace(/\//g, '~1')}/schema`;
    const validate = this.ajv.getSchema(pointer);
    if (!validate) return [`no schema at ${pointer}`];
    let body: unknown;
    try { body = JSON.parse(answer.body.toString('utf8')); } catch { return ['200 JSON that does not parse']; }
    return validate(body) ? [] : [`200 not valid against its schema: ${this.ajv.errorsText(validate.errors)}`];
  }
}
