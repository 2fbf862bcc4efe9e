// Harvest of the Hub'Eau "Prélèvements en eau" API into spools. The API refuses pages deeper than
// page × size = 20,000 records, so a query matching more is split (by département, then by year
// for the chroniques, …) until every part can be paged through; `next` links are followed.
import { join } from 'node:path';
import { DEPARTEMENTS_COUVERTS, MILIEU_LIST, USAGE_LIST } from '../codelists.js';
import { AdminAreas } from '../aggregates/areas.js';
import { ENDPOINTS, type Endpoint, type EndpointId, type SplitDimension } from './endpoints.js';
import { HubeauClient, type ClientOptions } from './http.js';
import { Checkpoint, Spool, type EndpointState } from './spool.js';

export const HUBEAU_BASE_URL = 'https://hubeau.eaufrance.fr/api/v1/prelevements';
/** Deepest record the API pages to: page × size ≤ 20,000. */
export const HUBEAU_MAX_DEPTH = 20_000;

export interface HarvestOptions extends Omit<ClientOptions, 'signal'> {
  baseUrl?: string;
  /** Directory of the spools (DIR/.ingest). */
  spoolDir: string;
  checkpointFile?: string;
  /** Ignore (and overwrite) an existing checkpoint. */
  fresh?: boolean;
  pageSize?: number;
  maxDepth?: number;
  /** Restrict to these départements (default: every one the BNPE covers). */
  departements?: string[];
  /** Years the chroniques are split by when a département has too many (inclusive). */
  years?: [number, number];
  endpoints?: EndpointId[];
  signal?: AbortSignal;
  onProgress?: (event: { endpoint: EndpointId; records: number; expected: number | null }) => void;
  /** Called after each page is committed (tests interrupt a harvest from here). */
  onPage?: (event: { endpoint: EndpointId; url: string; records: number; pages: number }) => void;
  onWarning?: (message: string) => void;
}

export interface HarvestResult {
  spools: Record<EndpointId, { path: string; bytes: number; records: number; expected: number | null }>;
  requests: number;
  retries: number;
  resumed: boolean;
  warnings: string[];
}

type Partition = Record<string, string>;

const keyOf = (p: Partition) => Object.keys(p).sort().map((k) => `${k}=${p[k]}`).join('&') || '*';

export function spoolPath(spoolDir: string, id: EndpointId): string {
  return join(spoolDir, `${id}.ndjson`);
}

class EndpointHarvest {
  private done: Set<string>;
  private split: Set<string>;

  constructor(
    private e: Endpoint, private st: EndpointState, private spool: Spool, private checkpoint: Checkpoint,
    private client: HubeauClient, private o: Required<Pick<HarvestOptions, 'baseUrl' | 'pageSize' | 'maxDepth' | 'years'>> & HarvestOptions,
    private warnings: string[],
  ) {
    this.done = new Set(st.done);
    this.split = new Set(st.split);
  }

  url(p: Partition, page: number, size: number): string {
    const q = new URLSearchParams({ ...p, size: String(size), page: String(page), fields: this.e.definition.properties.map((x) => x.name).join(',') });
    return `${this.o.baseUrl.replace(/\/$/, '')}/${this.e.path}?${q}`;
  }

  /** The values a partition is split into along the first dimension not already fixed. */
  children(p: Partition): Partition[] | null {
    for (const dim of this.e.splits) {
      const values = this.values(dim, p);
      if (values && values.length > 1) return values.map((v) => ({ ...p, [dim]: v }));
    }
    return null;
  }

  private values(dim: SplitDimension, p: Partition): string[] | null {
    const fixed = p[dim];
    if (fixed !== undefined) return fixed.includes(',') ? fixed.split(',') : null;
    switch (dim) {
      case 'code_departement': return [...(this.o.departements ?? DEPARTEMENTS_COUVERTS)];
      case 'annee': {
        const [from, to] = this.o.years;
        return Array.from({ length: to - from + 1 }, (_, i) => String(from + i));
      }
      case 'code_usage': return USAGE_LIST.map((u) => u.code);
      case 'code_type_milieu': return MILIEU_LIST.map((m) => m.code);
      case 'code_commune_insee': {
        const dep = p.code_departement;
        return dep && !dep.includes(',') ? AdminAreas.load().communeCodesOfDepartement(dep) : null;
      }
    }
  }

  private commit(): void {
    this.st.done = [...this.done];
    this.st.split = [...this.split];
    this.checkpoint.save();
  }

  async run(): Promise<void> {
    const root: Partition = this.o.departements ? { code_departement: this.o.departements.join(',') } : {};
    await this.visit(root, true);
    this.st.complete = true;
    this.st.current = null;
    this.commit();
  }

  /** Depth-first: a partition too deep for the API is replaced by its children. */
  private async visit(p: Partition, probe: boolean): Promise<void> {
    const key = keyOf(p);
    if (this.split.has(key)) {
      for (const child of this.children(p) ?? []) await this.visit(child, false);
      return;
    }
    if (this.done.has(key)) return;
    let url: string | null;
    if (this.st.current?.key === key) {
      url = this.st.current.next;
    } else {
      // Probe with one record where a split is likely, rather than fetch a full page in vain.
      const first = probe ? await this.client.page(this.url(p, 1, 1)) : null;
      if (first && this.st.expected === null) { this.st.expected = first.count; this.commit(); }
      if (first && first.count === 0) { this.done.add(key); this.commit(); return; }
      if (first && first.count > this.o.maxDepth && (await this.splitInto(p, key, first.count))) return;
      url = this.url(p, 1, this.o.pageSize);
    }
    let firstPage = this.st.current?.key !== key;
    while (url) {
      this.o.signal?.throwIfAborted();
      const page = await this.client.page(url);
      if (this.st.expected === null) this.st.expected = page.count;
      if (firstPage && page.count > this.o.maxDepth && (await this.splitInto(p, key, page.count))) return;
      firstPage = false;
      let next: string | null = page.next ? new URL(page.next, url).toString() : null;
      if (next && !this.reachable(next)) {
        this.warnings.push(`${this.e.id} ${key} : ${page.count} enregistrements, au-delà de la profondeur de pagination de l'API (${this.o.maxDepth}) ; le reste est ignoré`);
        this.st.partial.push(key);
        next = null;
      }
      this.st.bytes = this.spool.append(url, page.data);
      this.st.records += page.data.length;
      this.st.pages++;
      if (next) this.st.current = { key, next };
      else { this.st.current = null; this.done.add(key); }
      this.commit();
      this.o.onProgress?.({ endpoint: this.e.id, records: this.st.records, expected: this.st.expected });
      this.o.onPage?.({ endpoint: this.e.id, url, records: page.data.length, pages: this.st.pages });
      url = next;
    }
  }

  private reachable(url: string): boolean {
    const q = new URL(url).searchParams;
    return Number(q.get('page') ?? 1) * Number(q.get('size') ?? this.o.pageSize) <= this.o.maxDepth;
  }

  private async splitInto(p: Partition, key: string, count: number): Promise<boolean> {
    const children = this.children(p);
    if (!children) return false; // nothing left to split by: page as deep as allowed
    this.split.add(key);
    this.done.add(key);
    this.commit();
    const probe = count / children.length > this.o.maxDepth / 2;
    for (const child of children) await this.visit(child, probe);
    return true;
  }
}

/** Harvests every endpoint (ouvrages, points, chroniques) into spools, resuming a checkpoint. */
export async function harvest(options: HarvestOptions): Promise<HarvestResult> {
  const o = {
    baseUrl: HUBEAU_BASE_URL, pageSize: 5000, maxDepth: HUBEAU_MAX_DEPTH, years: [2008, new Date().getFullYear()] as [number, number], ...options,
  };
  if (o.pageSize > o.maxDepth) throw new RangeError(`page size ${o.pageSize} exceeds the paging depth ${o.maxDepth}`);
  const checkpointFile = o.checkpointFile ?? join(o.spoolDir, 'checkpoint.json');
  const signature = JSON.stringify({ baseUrl: o.baseUrl, pageSize: o.pageSize, maxDepth: o.maxDepth, departements: o.departements ?? null, years: o.years });
  const checkpoint = Checkpoint.open(checkpointFile, signature, o.fresh ?? false);
  const client = new HubeauClient(o);
  const warnings: string[] = [];
  const spools = {} as HarvestResult['spools'];
  for (const e of ENDPOINTS.filter((x) => !o.endpoints || o.endpoints.includes(x.id))) {
    const st = checkpoint.endpoint(e.id);
    const spool = new Spool(spoolPath(o.spoolDir, e.id));
    if (!st.complete) {
      spool.open(st.bytes);
      try {
        o.onProgress?.({ endpoint: e.id, records: st.records, expected: st.expected });
        await new EndpointHarvest(e, st, spool, checkpoint, client, o, warnings).run();
      } finally {
        spool.close();
      }
      if (st.expected !== null && st.records < st.expected) {
        warnings.push(`${e.id} : ${st.records} enregistrements récoltés sur ${st.expected} annoncés par l'API (enregistrements hors des partitions ou trop profonds)`);
      }
    }
    spools[e.id] = { path: spool.path, bytes: st.bytes, records: st.records, expected: st.expected };
  }
  for (const w of warnings) o.onWarning?.(w);
  return { spools, requests: client.requests, retries: client.retried, resumed: checkpoint.resumed, warnings };
}
