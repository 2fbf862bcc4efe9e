// A local stand-in for the Hub'Eau "Prélèvements en eau" v1 API (node:http), serving generator
// records at a tiny scale and paging and failing like the real one: 206 while more pages follow
// and 200 on the last, `next` links, 400 beyond page × size > maxDepth, injected 503 and 429.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateDataset } from '../../collections/generator/index.js';

export interface Failure { status: number; retryAfter?: string }

export interface StandinOptions {
  scale?: number;
  seed?: number;
  /** Deepest record served (page × size); the real API's is 20,000. */
  maxDepth?: number;
  /** Failure to answer the n-th request (1-based) with, if any. */
  fail?: (n: number, url: URL) => Failure | undefined;
  /** Delay before each answer (ms), to leave time to interrupt a client mid-harvest. */
  delayMs?: number;
  /** Records to serve instead of the generator's (per endpoint path). */
  records?: Partial<Record<EndpointPath, Record<string, unknown>[]>>;
}

export type EndpointPath = 'referentiel/ouvrages' | 'referentiel/points_prelevement' | 'chroniques';

export interface Standin {
  /** Base URL, as https://hubeau.eaufrance.fr/api/v1/prelevements. */
  base: string;
  /** Every request URL, in order (path and query). */
  requests: string[];
  /** Status answered to each request, in order. */
  statuses: number[];
  /** Time each request arrived (ms since epoch). */
  times: number[];
  data: Record<EndpointPath, Record<string, unknown>[]>;
  close(): Promise<void>;
}

const PREFIX = '/api/v1/prelevements/';
const FILTERS = ['code_departement', 'annee', 'code_usage', 'code_type_milieu', 'code_commune_insee', 'code_ouvrage'];

export function standinData(scale: number, seed: number): Record<EndpointPath, Record<string, unknown>[]> {
  const d = generateDataset({ scale, seed });
  const props = (it: Iterable<{ properties: Record<string, unknown> }>) => [...it].map((r) => r.properties);
  return { 'referentiel/ouvrages': props(d.ouvrages()), 'referentiel/points_prelevement': props(d.points()), chroniques: props(d.chroniques()) };
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
}

export async function startStandin(options: StandinOptions = {}): Promise<Standin> {
  const generated = standinData(options.scale ?? 0.001, options.seed ?? 7);
  const data = { ...generated, ...options.records } as Record<EndpointPath, Record<string, unknown>[]>;
  const maxDepth = options.maxDepth ?? 20_000;
  const requests: string[] = [];
  const statuses: number[] = [];
  const times: number[] = [];
  let base = '';
  const indexes = new Map<EndpointPath, Map<string, Record<string, unknown>[]>>();
  const byDepartement = (path: EndpointPath) => {
    let index = indexes.get(path);
    if (!index) {
      indexes.set(path, (index = new Map()));
      for (const r of data[path]) {
        const list = index.get(String(r.code_departement));
        if (list) list.push(r);
        else index.set(String(r.code_departement), [r]);
      }
    }
    return index;
  };

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', base);
    requests.push(`${url.pathname}${url.search}`);
    times.push(Date.now());
    const answer = (status: number, body: unknown, headers?: Record<string, string>) => { statuses.push(status); send(res, status, body, headers); };
    const failure = options.fail?.(requests.length, url);
    if (failure) {
      answer(failure.status, { message: `erreur simulée ${failure.status}` }, failure.retryAfter ? { 'Retry-After': failure.retryAfter } : {});
      return;
    }
    const path = url.pathname.startsWith(PREFIX) ? url.pathname.slice(PREFIX.length).replace(/\/$/, '') : '';
    const rows = data[path as EndpointPath];
    if (!rows) { answer(404, { message: 'point d\'accès inconnu' }); return; }
    const q = url.searchParams;
    const page = Number(q.get('page') ?? 1);
    const size = Number(q.get('size') ?? 1000);
    if (!Number.isInteger(page) || page < 1 || !Number.isInteger(size) || size < 1 || size > 20_000) {
      answer(400, { field_errors: [{ field: 'size', message: 'size doit être compris entre 1 et 20000' }] });
      return;
    }
    if (page * size > maxDepth) {
      answer(400, { message: `Le produit page x size ne doit pas dépasser ${maxDepth}` });
      return;
    }
    const filters = FILTERS.filter((f) => q.has(f)).map((f) => [f, new Set(q.get(f)!.split(','))] as const);
    // By département first (an index), so that large stand-ins (benchmarks) answer quickly.
    const deps = q.get('code_departement')?.split(',');
    const candidates = deps ? deps.flatMap((d) => byDepartement(path as EndpointPath).get(d) ?? []) : rows;
    const matched = candidates.filter((r) => filters.every(([f, values]) => values.has(String(r[f]))));
    const fields = q.get('fields')?.split(',');
    const slice = matched.slice((page - 1) * size, page * size).map((r) => (fields ? Object.fromEntries(fields.filter((f) => f in r).map((f) => [f, r[f]])) : r));
    const link = (p: number) => { const u = new URL(url); u.searchParams.set('page', String(p)); return u.toString(); };
    const last = Math.max(1, Math.ceil(matched.length / size));
    const next = page < last ? link(page + 1) : null;
    answer(next ? 206 : 200, {
      count: matched.length, first: link(1), last: link(last), prev: page > 1 ? link(page - 1) : null, next, api_version: '1.0.0', data: slice,
    });
  };

  const server = createServer((req, res) => {
    if (options.delayMs) setTimeout(() => handle(req, res), options.delayMs);
    else handle(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}${PREFIX.replace(/\/$/, '')}`;
  return {
    base, requests, statuses, times, data,
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
