// What a harvest has fetched, kept on disk so an interrupted harvest resumes where it stopped:
// per endpoint an append-only NDJSON spool (a {"$page": url} line, then one line per record),
// and a checkpoint (JSON, replaced atomically after every page) saying how many spool bytes are
// committed and which partitions are done. A page written but not checkpointed (killed between
// the two) is cut off on resume, so no record is ever spooled twice.
import { closeSync, createReadStream, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, statSync, truncateSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { createInterface } from 'node:readline';
import type { EndpointId } from './endpoints.js';
import { IngestError } from './errors.js';
import type { RawRecord } from './records.js';

export interface EndpointState {
  /** Partitions fully fetched or split into children. */
  done: string[];
  /** Partitions split: their children are visited instead. */
  split: string[];
  /** The partition being fetched and the URL of its next page. */
  current: { key: string; next: string } | null;
  bytes: number;
  records: number;
  pages: number;
  /** Records the API announced for the whole endpoint (count of the first request). */
  expected: number | null;
  complete: boolean;
  /** Partitions that could not be split below the paging limit (some records unreachable). */
  partial: string[];
}

export interface CheckpointState {
  version: 1;
  /** Harvest parameters: a checkpoint is only resumed with the same ones. */
  signature: string;
  endpoints: Partial<Record<EndpointId, EndpointState>>;
}

export function emptyEndpointState(): EndpointState {
  return { done: [], split: [], current: null, bytes: 0, records: 0, pages: 0, expected: null, complete: false, partial: [] };
}

export class Checkpoint {
  private constructor(readonly path: string, readonly state: CheckpointState, readonly resumed: boolean) {}

  /** Loads the checkpoint when it exists with the same signature; a fresh one otherwise. */
  static open(path: string, signature: string, fresh: boolean): Checkpoint {
    if (!fresh && existsSync(path)) {
      let state: CheckpointState;
      try { state = JSON.parse(readFileSync(path, 'utf8')); } catch (error) {
        throw new IngestError(`${path} : point de contrôle illisible (${(error as Error).message}) ; relancez avec --fresh`, { cause: error });
      }
      if (state.signature !== signature) {
        throw new IngestError(`${path} : point de contrôle d'une récolte aux paramètres différents ; relancez avec les mêmes options ou avec --fresh`);
      }
      return new Checkpoint(path, state, true);
    }
    return new Checkpoint(path, { version: 1, signature, endpoints: {} }, false);
  }

  endpoint(id: EndpointId): EndpointState {
    return (this.state.endpoints[id] ??= emptyEndpointState());
  }

  save(): void {
    mkdirSync(dirname(this.path), { recursive: true });
    const tmp = `${this.path}.${process.pid}.tmp`;
    const fd = openSync(tmp, 'w');
    try { writeSync(fd, JSON.stringify(this.state)); } finally { closeSync(fd); }
    renameSync(tmp, this.path);
  }
}

export class Spool {
  private fd: number | null = null;
  private size = 0;

  constructor(readonly path: string) {}

  /** Opens for appending after `committed` bytes, cutting anything written past them. */
  open(committed: number): void {
    mkdirSync(dirname(this.path), { recursive: true });
    const actual = existsSync(this.path) ? statSync(this.path).size : 0;
    if (actual < committed) {
      throw new IngestError(`${this.path} : spool plus court (${actual} o) que le point de contrôle (${committed} o) ; relancez avec --fresh`);
    }
    if (actual > committed || !existsSync(this.path)) {
      if (existsSync(this.path)) truncateSync(this.path, committed);
      else closeSync(openSync(this.path, 'w'));
    }
    this.fd = openSync(this.path, 'r+');
    this.size = committed;
  }

  /** Appends one page; returns the new committed size once the bytes are on disk. */
  append(url: string, records: Record<string, unknown>[]): number {
    if (this.fd === null) throw new Error('spool not open');
    const lines = [JSON.stringify({ $page: url }), ...records.map((r) => JSON.stringify(r))];
    const bytes = Buffer.from(`${lines.join('\n')}\n`, 'utf8');
    writeSync(this.fd, bytes, 0, bytes.length, this.size);
    fsyncSync(this.fd);
    this.size += bytes.length;
    return this.size;
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}

/** Records of a spool, each referring to its page URL and position in that page. */
export async function* readSpool(path: string, committed: number): AsyncGenerator<RawRecord> {
  if (committed === 0) return;
  const lines = createInterface({ input: createReadStream(path, { start: 0, end: committed - 1 }), crlfDelay: Infinity });
  let page = path;
  let index = 0;
  let lineNo = 0;
  for await (const line of lines) {
    lineNo++;
    if (line === '') continue;
    let value: Record<string, unknown>;
    try { value = JSON.parse(line); } catch (error) {
      throw new IngestError(`${path}, ligne ${lineNo} : spool corrompu (${(error as Error).message}) ; relancez avec --fresh`, { cause: error });
    }
    if (typeof value.$page === 'string' && Object.keys(value).length === 1) { page = value.$page; index = 0; continue; }
    yield { properties: value, ref: { source: page, index: index++ } };
  }
}
